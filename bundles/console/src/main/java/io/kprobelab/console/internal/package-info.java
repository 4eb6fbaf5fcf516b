/**
 * The interactive console: Gogo's session read through JLine on the terminal, in place of
 * gogo.jline's own shell loop (whose commands and line-editing parts it reuses).
 */
package io.kprobelab.console.internal;
