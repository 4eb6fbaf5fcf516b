/**
 * The probe whiteboard: handler services of consumer bundles become registered kprobes and
 * kretprobes, and stop being so when the services go (a module's init and exit). The logic is in
 * {@link io.kprobelab.kprobes.internal.whiteboard.WhiteboardProbes}, a plain class; the DS
 * component {@link io.kprobelab.kprobes.internal.whiteboard.KprobeWhiteboard} feeds it. Not exported.
 */
package io.kprobelab.kprobes.internal.whiteboard;
