#ifndef AGENTWIRE_CSHIMS_H
#define AGENTWIRE_CSHIMS_H

#include <spawn.h>
#include <sys/types.h>

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec from the start.
int cshims_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addclosefrom_np(actions, from) where glibc has it (2.34+); ENOSYS otherwise.
int cshims_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/// posix_spawn_file_actions_addchdir_np(actions, path) where the C library has it (glibc 2.29+, macOS 10.15+):
/// the child changes to `path` before it execs. ENOSYS otherwise.
int cshims_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// Caps the number of malloc arenas (glibc's M_ARENA_MAX); returns 1 on success, 0 otherwise.
int cshims_limit_malloc_arenas(int arenas);

#if defined(__linux__)
/// Starts `path` (no PATH search) with fork and execve, the child killed (SIGKILL) when the *thread* calling
/// this exits (PR_SET_PDEATHSIG): call it from a thread that lives as long as the process.
///
/// In the child, before execve and with only async-signal-safe calls: handlers this process installed go back
/// to the default; a process group of its own when `new_process_group`; PR_SET_PDEATHSIG(SIGKILL), then
/// _exit(127) if the parent has already gone; `streams[i]`, when not -1, dup2'ed onto descriptor i (-1 leaves
/// descriptor i as this process has it); every other descriptor from 3 up closed; chdir(`directory`) when not
/// NULL; an empty signal mask and SIGPIPE at its default.
///
/// Returns 0 with the child's pid in `*pid`, or the errno of whatever failed (in the child up to and including
/// execve: reported through a close-on-exec pipe, the child then reaped here).
int cshims_spawn_dies_with_parent(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                                  const int streams[3], const char *directory, int new_process_group);
#endif

#endif
