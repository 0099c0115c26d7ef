#ifndef AGENTWIRE_CSHIMS_H
#define AGENTWIRE_CSHIMS_H

#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec from the start.
int cshims_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addclosefrom_np(actions, from) where glibc has it (2.34+); ENOSYS otherwise.
int cshims_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/// posix_spawn_file_actions_addchdir_np(actions, path) where the C library has it (glibc 2.29+, macOS 10.15+):
/// the child changes to `path` before it execs. ENOSYS otherwise.
int cshims_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// Caps the number of malloc arenas (glibc's M_ARENA_MAX); returns 1 on success, 0 otherwise.
int cshims_limit_malloc_arenas(int arenas);

#endif
