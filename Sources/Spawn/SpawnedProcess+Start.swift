import CShims
import Foundation

/// How a child is started: `posix_spawn`, or fork and exec on the spawner thread for a child that dies with
/// this process.
extension SpawnedProcess {
    /// What one of the child's standard streams becomes.
    enum ChildStream {
        /// This descriptor (the child's end of a pipe), dup'ed onto it.
        case descriptor(Int32)
        /// This path opened with these flags and mode.
        case open(String, Int32, mode_t)
        /// Left as it is in this process.
        case inherited
    }

    /// Starts the child with `posix_spawn`; its pid.
    static func posixSpawn(
        _ executable: String,
        argv: [UnsafeMutablePointer<CChar>?],
        envp: [UnsafeMutablePointer<CChar>?]?,
        streams: [ChildStream],
        workingDirectory: String?,
        newProcessGroup: Bool
    ) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, stream) in streams.enumerated() {
            let fd = Int32(target)
            switch stream {
            case .descriptor(let childEnd):
                posix_spawn_file_actions_adddup2(&actions, childEnd, fd)
            case .open(let path, let flags, let mode):
                posix_spawn_file_actions_addopen(&actions, fd, path, flags, mode)
            case .inherited:
                break
            }
        }
        // Descriptors opened elsewhere without O_CLOEXEC stay out of the child.
        _ = cshims_addclosefrom(&actions, 3)
        if let workingDirectory {
            let code = cshims_addchdir(&actions, workingDirectory)
            guard code == 0 else { throw SpawnError(message: "Cannot run in \(workingDirectory)", code: code) }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Signals this process ignores (SIGPIPE) get their default back, as a shell would give them.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var noneBlocked = sigset_t()
        sigemptyset(&noneBlocked)
        posix_spawnattr_setsigmask(&attributes, &noneBlocked)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var child: pid_t = 0
        let rc: Int32
        if let envp {
            rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        } else {
            rc = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        }
        guard rc == 0 else { throw SpawnError(message: "Cannot start \(executable)", code: rc) }
        return child
    }

    #if os(Linux)
        /// Starts the child with fork and execve (``cshims_spawn_dies_with_parent``) on the ``Spawner`` thread, the
        /// child set to be killed when this process dies; its pid. Does what ``posixSpawn`` does, to the same
        /// effect: the files it would open in the child are opened here (close-on-exec), before the fork.
        static func forkExec(
            _ executable: String,
            argv: [UnsafeMutablePointer<CChar>?],
            envp: [UnsafeMutablePointer<CChar>?]?,
            streams: [ChildStream],
            workingDirectory: String?,
            newProcessGroup: Bool
        ) throws(SpawnError) -> pid_t {
            var descriptors: [Int32] = []
            var opened: [Int32] = []
            defer { for fd in opened { close(fd) } }
            for stream in streams {
                switch stream {
                case .descriptor(let childEnd):
                    descriptors.append(childEnd)
                case .open(let path, let flags, let mode):
                    let fd = open(path, flags | O_CLOEXEC, mode)
                    guard fd >= 0 else { throw SpawnError(message: "Cannot start \(executable)", code: errno) }
                    opened.append(fd)
                    descriptors.append(fd)
                case .inherited:
                    descriptors.append(-1)
                }
            }
            let (child, rc) = Spawner.shared.run { () -> (pid_t, Int32) in
                var child: pid_t = 0
                let group: Int32 = newProcessGroup ? 1 : 0
                let rc: Int32
                if let envp {
                    rc = cshims_spawn_dies_with_parent(
                        &child,
                        executable,
                        argv,
                        envp,
                        descriptors,
                        workingDirectory,
                        group
                    )
                } else {
                    rc = cshims_spawn_dies_with_parent(
                        &child,
                        executable,
                        argv,
                        environ,
                        descriptors,
                        workingDirectory,
                        group
                    )
                }
                return (child, rc)
            }
            guard rc == 0 else { throw SpawnError(message: "Cannot start \(executable)", code: rc) }
            return child
        }

        /// The one thread that starts ``diesWithParent`` children.
        ///
        /// `PR_SET_PDEATHSIG` fires when the *thread* that forked the child exits, not when the process does.
        /// Threads of the concurrency pool and of Dispatch, and a `Thread` a caller made, may exit (the pool's
        /// when idle), which would kill the child although this process goes on. So every such fork happens on
        /// this thread, started once and never ending: its exit is the process's. Callers hand it a job under
        /// the condition's lock and block until it is done (a fork and the child's exec, moments).
        private final class Spawner: @unchecked Sendable {
            static let shared = Spawner()

            private final class Job {
                let work: () -> (pid_t, Int32)
                var result: (pid_t, Int32)?
                init(_ work: @escaping () -> (pid_t, Int32)) { self.work = work }
            }

            /// Guards `queue` and every job's `result`; signalled when either changes.
            private let condition = NSCondition()
            private var queue: [Job] = []

            private init() {
                let thread = Thread { [self] in serve() }
                thread.name = "SpawnedProcess spawner"
                thread.start()
            }

            private func serve() {
                while true {
                    condition.lock()
                    while queue.isEmpty { condition.wait() }
                    let job = queue.removeFirst()
                    condition.unlock()
                    let result = job.work()
                    condition.lock()
                    job.result = result
                    condition.broadcast()
                    condition.unlock()
                }
            }

            /// Runs `work` on the spawner thread; returns its result once done.
            func run(_ work: @escaping () -> (pid_t, Int32)) -> (pid_t, Int32) {
                let job = Job(work)
                condition.lock()
                defer { condition.unlock() }
                queue.append(job)
                condition.broadcast()
                while job.result == nil { condition.wait() }
                return job.result!
            }
        }
    #endif
}
