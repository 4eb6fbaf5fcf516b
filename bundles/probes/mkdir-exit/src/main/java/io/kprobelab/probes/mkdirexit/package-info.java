/**
 * The seed's example module: a kretprobe on {@code sys_mkdir} whose handler prints
 * {@code sys_mkdir exited}. Not exported: a probe bundle provides a whiteboard service only.
 */
package io.kprobelab.probes.mkdirexit;
