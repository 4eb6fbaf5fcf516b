#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Development check of the umh_mailbox protocol (BOOT.md section 7) under QEMU.

Boots the kernel with pid 1 sleeping, then plays the host's part through QEMU's gdb
stub: stop the guest, write a command line into umh_mailbox, bump request_seq, let it
run, stop it again and read pid/status.  The last case is interrupted: with the program
running, write kill_sig = SIGINT and bump kill_seq, as the host does for ^C; the program
is reaped with status 128 + 2.  Skips when qemu-system-x86_64 is missing.
Usage: ./qemu-umh-test.py [build/vmlinux]
"""
import binascii, os, shutil, socket, struct, subprocess, sys, tempfile, time

VMLINUX = sys.argv[1] if len(sys.argv) > 1 else 'build/vmlinux'
PORT = 1234
SIGINT = 2
# (command line, expected status, signal sent while it runs or None)
CASES = [(b'mkdir /x /x', 1, None), (b'nosuch', 127, None), (b'fault hlt', 128 + 11, None),
         (b'spin 1000000000000', 128 + SIGINT, SIGINT)]


def symbol(name):
    for line in subprocess.check_output(['nm', VMLINUX]).decode().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16)
    raise KeyError(name)


class Gdb:
    """The few gdb remote-protocol packets needed: m, M, c and ^C."""

    def __init__(self, port):
        self.sock = socket.create_connection(('127.0.0.1', port))
        self.buf = b''

    def _reply(self):
        while True:
            start = self.buf.find(b'$')
            end = self.buf.find(b'#', start + 1) if start >= 0 else -1
            if start >= 0 and end >= 0 and len(self.buf) >= end + 3:
                data, self.buf = self.buf[start + 1:end], self.buf[end + 3:]
                self.sock.sendall(b'+')
                return data.decode()
            self.buf += self.sock.recv(4096)

    def packet(self, data, reply=True):
        self.sock.sendall(b'$%s#%02x' % (data.encode(), sum(data.encode()) & 0xff))
        return self._reply() if reply else None

    def read(self, addr, n):
        reply = self.packet('m%x,%x' % (addr, n))
        while reply[:1] in ('T', 'S'):  # a late stop notification
            reply = self._reply()
        return binascii.unhexlify(reply)

    def write(self, addr, data):
        return self.packet('M%x,%x:%s' % (addr, len(data), data.hex()))

    def cont(self):
        self.packet('c', reply=False)

    def stop(self):
        self.sock.sendall(b'\x03')
        reply = self._reply()
        while reply[:1] not in ('T', 'S'):
            reply = self._reply()
        return reply


def main():
    if not shutil.which('qemu-system-x86_64'):
        print('qemu-umh-test: qemu-system-x86_64 not found, skipped')
        return 0
    mailbox = symbol('umh_mailbox')
    console = os.path.join(tempfile.mkdtemp(), 'console.txt')
    qemu = subprocess.Popen(['qemu-system-x86_64', '-machine', 'q35', '-m', '128M',
                             '-display', 'none', '-monitor', 'none', '-no-reboot',
                             '-serial', 'file:' + console, '-gdb', 'tcp::%d' % PORT,
                             '-kernel', VMLINUX, '-append', 'sleep 3000'])
    time.sleep(1.0)
    gdb = Gdb(PORT)
    gdb.packet('?')  # the stub stops the guest when we attach
    failed = 0
    kills = 0
    for seq, (cmd, want, sig) in enumerate(CASES, 1):
        gdb.write(mailbox + 0x10, cmd + b'\0')
        gdb.write(mailbox, struct.pack('<I', seq))
        gdb.cont()
        time.sleep(0.5)
        gdb.stop()
        if sig is not None:  # still running: signal it, as ^C does
            kills += 1
            gdb.write(mailbox + 0x118, struct.pack('<i', sig))
            gdb.write(mailbox + 0x110, struct.pack('<I', kills))
            gdb.cont()
            time.sleep(0.5)
            gdb.stop()
        req, done, pid, status = struct.unpack('<IIii', gdb.read(mailbox, 16))
        ok = done == seq and status == want
        failed += not ok
        print('%s %s: done_seq=%d pid=%d status=%d' % ('ok  ' if ok else 'FAIL', cmd.decode(),
                                                      done, pid, status))
    gdb.cont()
    qemu.wait(timeout=20)
    print(open(console).read(), end='')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
