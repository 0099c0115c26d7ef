#define _GNU_SOURCE
#include "CShims.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

int cshims_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int cshims_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
#else
    (void)actions;
    (void)from;
    return ENOSYS;
#endif
}

int cshims_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
#if (defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))) || defined(__APPLE__)
    return posix_spawn_file_actions_addchdir_np(actions, path);
#else
    (void)actions;
    (void)path;
    return ENOSYS;
#endif
}

int cshims_limit_malloc_arenas(int arenas) {
#if defined(__GLIBC__)
    return mallopt(M_ARENA_MAX, arenas);
#else
    (void)arenas;
    return 0;
#endif
}

#if defined(__linux__)
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/// Child side: sends `code` (an errno) to the parent through the report pipe, then ends.
static void __attribute__((noreturn)) cshims_report_and_exit(int report, int code) {
    while (write(report, &code, sizeof code) < 0 && errno == EINTR) {
    }
    _exit(127);
}

/// Child side: `fd` itself when it is above the standard descriptors, else a close-on-exec copy that is.
static int cshims_above_stdio(int fd) { return fd < 3 ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : fd; }

int cshims_spawn_dies_with_parent(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                                  const int streams[3], const char *directory, int new_process_group) {
    // Close-on-exec: end of file here once the child has exec'ed, and never inherited by another spawn.
    int report_pipe[2];
    if (pipe2(report_pipe, O_CLOEXEC) != 0) return errno;
    // Found here: sysconf is not async-signal-safe. Only the fallback for kernels without close_range uses it.
    long open_max = sysconf(_SC_OPEN_MAX);
    int close_limit = open_max < 0 || open_max > (1 << 20) ? (1 << 20) : (int)open_max;
    pid_t parent = getpid();
    // No handler of this process runs in the child (it would act on the parent's pipes and state, shared
    // with a copy of its memory) until they are reset there; restored here right after the fork.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    // _Fork runs no atfork handlers (which need not be async-signal-safe) and is itself async-signal-safe.
    pid_t child = _Fork();
    if (child == 0) {
        // From here to execve: async-signal-safe calls only (another thread may have held any lock).
        int report = report_pipe[1];
        for (int sig = 1; sig < NSIG; sig++) {
            struct sigaction action;
            if (sigaction(sig, NULL, &action) != 0) continue;  // SIGKILL, SIGSTOP and glibc's own
            if (action.sa_handler == SIG_IGN || action.sa_handler == SIG_DFL) continue;
            action.sa_handler = SIG_DFL;
            action.sa_flags = 0;
            sigemptyset(&action.sa_mask);
            sigaction(sig, &action, NULL);
        }
        if (new_process_group && setpgid(0, 0) != 0) cshims_report_and_exit(report, errno);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) cshims_report_and_exit(report, errno);
        // The parent died before the line above took effect: nothing will kill this child, nor read the pipe.
        if (getppid() != parent) _exit(127);
        // Nothing still to be used may sit on 0, 1 or 2 while those are being replaced (this process may have
        // had one of them closed, so that a pipe or file took its number).
        report = cshims_above_stdio(report);
        if (report < 0) cshims_report_and_exit(report_pipe[1], errno);
        int sources[3];
        for (int i = 0; i < 3; i++) {
            sources[i] = streams[i] < 0 ? -1 : cshims_above_stdio(streams[i]);
            if (streams[i] >= 0 && sources[i] < 0) cshims_report_and_exit(report, errno);
        }
        for (int i = 0; i < 3; i++) {
            if (sources[i] >= 0 && dup2(sources[i], i) < 0) cshims_report_and_exit(report, errno);
        }
        // Every descriptor from 3 up but the report pipe (close-on-exec, it goes at execve).
        int closed = 0;
#if defined(SYS_close_range)
        closed = (report == 3 || syscall(SYS_close_range, 3U, (unsigned)report - 1, 0U) == 0) &&
                 syscall(SYS_close_range, (unsigned)report + 1, ~0U, 0U) == 0;
#endif
        if (!closed) {
            for (int fd = 3; fd < close_limit; fd++) {
                if (fd != report) close(fd);
            }
        }
        if (directory != NULL && chdir(directory) != 0) cshims_report_and_exit(report, errno);
        struct sigaction pipe_default;
        pipe_default.sa_handler = SIG_DFL;
        pipe_default.sa_flags = 0;
        sigemptyset(&pipe_default.sa_mask);
        sigaction(SIGPIPE, &pipe_default, NULL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execve(path, argv, envp);
        cshims_report_and_exit(report, errno);
    }
    int fork_error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report_pipe[1]);
    if (child < 0) {
        close(report_pipe[0]);
        return fork_error;
    }
    int code = 0;
    ssize_t n;
    do {
        n = read(report_pipe[0], &code, sizeof code);
    } while (n < 0 && errno == EINTR);
    close(report_pipe[0]);
    if (n == (ssize_t)sizeof code) {
        // It has _exit'ed (or is about to): reap it, as posix_spawn does when it fails.
        while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
        }
        return code != 0 ? code : ECHILD;
    }
    *pid = child;
    return 0;
}
#endif
