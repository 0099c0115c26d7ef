#ifndef AGENTWIRE_CSPAWN_H
#define AGENTWIRE_CSPAWN_H

#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec from the start.
int cspawn_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addclosefrom_np(actions, from) where glibc has it (2.34+); ENOSYS otherwise.
int cspawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

#endif
