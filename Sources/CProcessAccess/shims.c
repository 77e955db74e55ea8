// _GNU_SOURCE here, not in the header: in the header it clashes with other imports.
#define _GNU_SOURCE
#include "CProcessAccess.h"
#include <errno.h>

#if defined(__linux__)
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>

ssize_t memlens_process_vm_readv(pid_t pid, void *local, size_t length, uint64_t remote) {
    struct iovec l = { .iov_base = local, .iov_len = length };
    struct iovec r = { .iov_base = (void *)(uintptr_t)remote, .iov_len = length };
    return process_vm_readv(pid, &l, 1, &r, 1, 0);
}
ssize_t memlens_process_vm_writev(pid_t pid, const void *local, size_t length, uint64_t remote) {
    struct iovec l = { .iov_base = (void *)local, .iov_len = length };
    struct iovec r = { .iov_base = (void *)(uintptr_t)remote, .iov_len = length };
    return process_vm_writev(pid, &l, 1, &r, 1, 0);
}
ssize_t memlens_process_vm_readv_spans(pid_t pid, void *local, const uint64_t *remotes, size_t count, size_t span_length) {
    struct iovec l = { .iov_base = local, .iov_len = count * span_length };
    struct iovec r[1024];
    if (count > 1024) { errno = EINVAL; return -1; }
    for (size_t i = 0; i < count; i++) { r[i].iov_base = (void *)(uintptr_t)remotes[i]; r[i].iov_len = span_length; }
    return process_vm_readv(pid, &l, 1, r, count, 0);
}
int memlens_ptrace_seize(pid_t tid) { return (int)ptrace(PTRACE_SEIZE, tid, 0, 0); }
int memlens_ptrace_interrupt(pid_t tid) { return (int)ptrace(PTRACE_INTERRUPT, tid, 0, 0); }
int memlens_ptrace_detach(pid_t tid, int signal) { return (int)ptrace(PTRACE_DETACH, tid, 0, (void *)(intptr_t)signal); }
int memlens_ptrace_cont(pid_t tid, int signal) { return (int)ptrace(PTRACE_CONT, tid, 0, (void *)(intptr_t)signal); }
pid_t memlens_waitpid(pid_t tid, int *status, int flags) { return waitpid(tid, status, __WALL | flags); }
int memlens_wnohang(void) { return WNOHANG; }
int memlens_wifstopped(int status) { return WIFSTOPPED(status); }
int memlens_wstopsig(int status) { return WSTOPSIG(status); }
int memlens_wifexited(int status) { return WIFEXITED(status); }
int memlens_wifsignaled(int status) { return WIFSIGNALED(status); }
int memlens_ptrace_event(int status) { return (status >> 16) & 0xff; }
int memlens_ptrace_event_stop(void) { return PTRACE_EVENT_STOP; }

#include <sys/syscall.h>
#include <unistd.h>
int memlens_request_slice(uint64_t nanoseconds) {
    // struct sched_attr (sched_setattr(2)): SCHED_OTHER with a custom slice in sched_runtime (Linux 6.12+).
    struct { uint32_t size, policy; uint64_t flags; int32_t nice; uint32_t priority; uint64_t runtime, deadline, period; }
        attr = { sizeof(attr), 0, 0, 0, 0, nanoseconds, 0, 0 };
#ifdef SYS_sched_setattr
    return (int)syscall(SYS_sched_setattr, 0, &attr, 0);
#else
    (void)attr;
    errno = ENOSYS;
    return -1;
#endif
}
#else
ssize_t memlens_process_vm_readv(pid_t pid, void *local, size_t length, uint64_t remote) { errno = ENOSYS; return -1; }
ssize_t memlens_process_vm_writev(pid_t pid, const void *local, size_t length, uint64_t remote) { errno = ENOSYS; return -1; }
ssize_t memlens_process_vm_readv_spans(pid_t pid, void *local, const uint64_t *remotes, size_t count, size_t span_length) { errno = ENOSYS; return -1; }
int memlens_ptrace_seize(pid_t tid) { errno = ENOSYS; return -1; }
int memlens_ptrace_interrupt(pid_t tid) { errno = ENOSYS; return -1; }
int memlens_ptrace_detach(pid_t tid, int signal) { errno = ENOSYS; return -1; }
int memlens_ptrace_cont(pid_t tid, int signal) { errno = ENOSYS; return -1; }
pid_t memlens_waitpid(pid_t tid, int *status, int flags) { errno = ENOSYS; return -1; }
int memlens_wnohang(void) { return 1; }
int memlens_wifstopped(int status) { return 0; }
int memlens_wstopsig(int status) { return 0; }
int memlens_wifexited(int status) { return 0; }
int memlens_wifsignaled(int status) { return 0; }
int memlens_ptrace_event(int status) { return 0; }
int memlens_ptrace_event_stop(void) { return 128; }
int memlens_request_slice(uint64_t nanoseconds) { errno = ENOSYS; return -1; }
#endif
