// Thin declarations over the Linux calls memlens uses to read another
// process: process_vm_readv (and process_vm_writev, for PEP 768's remote exec), ptrace (seize, interrupt, detach) and waitpid.
// No logic lives here; PythonProcess wraps each call once in Swift.
// Every wrapper returns what the C call returns and leaves errno set; where
// the call does not exist on the platform it returns -1 with errno = ENOSYS.
#ifndef MEMLENS_CPROCESSACCESS_H
#define MEMLENS_CPROCESSACCESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/// One local and one remote buffer: process_vm_readv(pid, {local, length}, 1, {remote, length}, 1, 0).
ssize_t memlens_process_vm_readv(pid_t pid, void *local, size_t length, uint64_t remote);

/// One local and one remote buffer: process_vm_writev(pid, {local, length}, 1, {remote, length}, 1, 0).
ssize_t memlens_process_vm_writev(pid_t pid, const void *local, size_t length, uint64_t remote);

/// `count` remote spans of `span_length` bytes each (at `remotes[i]`), read
/// back to back into `local` in one call (count ≤ IOV_MAX, 1,024).
ssize_t memlens_process_vm_readv_spans(pid_t pid, void *local, const uint64_t *remotes, size_t count, size_t span_length);

/// ptrace(PTRACE_SEIZE, tid, 0, 0): attach without stopping.
int memlens_ptrace_seize(pid_t tid);

/// sched_setattr(0, …): the calling thread keeps SCHED_OTHER and its nice value but asks for a
/// time slice of `nanoseconds` (Linux 6.12+, 100 µs–100 ms), so that it preempts sooner when it wakes.
int memlens_request_slice(uint64_t nanoseconds);

/// ptrace(PTRACE_INTERRUPT, tid, 0, 0): stop a seized thread (it reports a stop to waitpid).
int memlens_ptrace_interrupt(pid_t tid);

/// ptrace(PTRACE_DETACH, tid, 0, signal): let the thread go, delivering `signal` (0 for none).
int memlens_ptrace_detach(pid_t tid, int signal);

/// ptrace(PTRACE_CONT, tid, 0, signal): resume a stopped thread, delivering `signal`.
int memlens_ptrace_cont(pid_t tid, int signal);

/// waitpid(tid, &status, __WALL | flags); `flags` may hold WNOHANG.
pid_t memlens_waitpid(pid_t tid, int *status, int flags);

/// The `WNOHANG` flag for memlens_waitpid.
int memlens_wnohang(void);

/// WIFSTOPPED / WSTOPSIG / WIFEXITED / WIFSIGNALED / the ptrace event in `status >> 16`.
int memlens_wifstopped(int status);
int memlens_wstopsig(int status);
int memlens_wifexited(int status);
int memlens_wifsignaled(int status);
int memlens_ptrace_event(int status);
/// PTRACE_EVENT_STOP: the event a PTRACE_INTERRUPT stop reports.
int memlens_ptrace_event_stop(void);

#endif
