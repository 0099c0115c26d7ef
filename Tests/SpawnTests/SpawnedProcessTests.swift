import Foundation
import Spawn
import Testing

/// Reads `fd` to its end on the calling thread, then closes it.
private func readAll(_ fd: Int32) -> String {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        bytes += buffer[0..<n]
    }
    close(fd)
    return String(decoding: bytes, as: UTF8.self)
}

@Suite struct SpawnedProcessTests {
    @Test func stdinGoesInAndStdoutComesBack() async throws {
        let process = try SpawnedProcess(executable: "/bin/cat", arguments: [])
        let input = process.takeInput()
        _ = Array("one\ntwo\n".utf8).withUnsafeBytes { write(input, $0.baseAddress!, $0.count) }
        close(input)
        #expect(readAll(process.takeOutput()) == "one\ntwo\n")
        #expect(await process.wait() == 0)
        #expect(!process.isRunning)
    }

    @Test func exitStatusAndSignalsAreReportedAsAShellWould() async throws {
        let failing = try SpawnedProcess(executable: "/bin/sh", arguments: ["-c", "exit 7"], stdin: .null)
        #expect(await failing.wait() == 7)
        let sleeper = try SpawnedProcess(executable: "/bin/sleep", arguments: ["30"], stdin: .null)
        #expect(sleeper.isRunning)
        #expect(sleeper.exitedAt == nil)
        let signalled = ContinuousClock.now
        sleeper.signal(SIGTERM)
        #expect(await sleeper.wait() == 128 + SIGTERM)
        let exitedAt = try #require(sleeper.exitedAt)
        #expect(exitedAt >= signalled)
    }

    @Test func theEnvironmentIsExactlyTheOneGiven() async throws {
        let process = try SpawnedProcess(
            executable: "/usr/bin/env",
            arguments: [],
            environment: ["ONLY": "this one"],
            stdin: .null
        )
        #expect(readAll(process.takeOutput()) == "ONLY=this one\n")
        #expect(await process.wait() == 0)
    }

    @Test func noOtherDescriptorReachesTheChild() async throws {
        // A descriptor opened without O_CLOEXEC, as a library might. (Its number is whatever is free:
        // forcing one with dup2 would silently replace a descriptor another test is using.)
        let stray = open("/dev/null", O_RDONLY)
        try #require(stray >= 0)
        defer { close(stray) }
        let process = try SpawnedProcess(
            executable: "/bin/sh",
            arguments: ["-c", "ls /proc/$$/fd"],
            stdin: .null,
            stdout: .pipe,
            stderr: .pipe
        )
        let errorOutput = process.takeErrorOutput()
        let open = readAll(process.takeOutput()).split(separator: "\n").compactMap { Int($0) }
        close(errorOutput)
        #expect(await process.wait() == 0)
        #expect(open.contains(1))
        #expect(!open.contains(Int(stray)), "descriptors open in the child: \(open)")
        #expect(open.allSatisfy { $0 < 10 }, "descriptors open in the child: \(open)")
    }

    @Test func stderrCanGoToAFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID()).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = try SpawnedProcess(
            executable: "/bin/sh",
            arguments: ["-c", "echo to-stderr >&2"],
            stdin: .null,
            stdout: .null,
            stderr: .file(path)
        )
        #expect(await process.wait() == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "to-stderr\n")
    }

    @Test func aWorkingDirectoryIsWhereTheChildRunsAndWhereARelativeProgramIsFound() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-cwd-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A link to pwd rather than a script written here: another test's spawn, forking while the script is
        // open for writing, would hold that descriptor until its child closes it, and an execve of the script
        // meanwhile fails with ETXTBSY.
        try FileManager.default.createSymbolicLink(atPath: "\(directory)/where.sh", withDestinationPath: "/bin/pwd")
        #expect(FileManager.default.currentDirectoryPath != directory)

        #expect(SpawnedProcess.resolve("./where.sh") == nil)
        let resolved = try #require(SpawnedProcess.resolve("./where.sh", in: directory))
        #expect(resolved == "\(directory)/./where.sh")
        #expect(SpawnedProcess.resolve("sh", in: directory) == SpawnedProcess.resolve("sh"))
        // Given as it is, the relative path is taken from the working directory the child changes to.
        for executable in [resolved, "./where.sh"] {
            let process = try SpawnedProcess(
                executable: executable,
                arguments: [],
                workingDirectory: directory,
                stdin: .null
            )
            #expect(readAll(process.takeOutput()) == "\(directory)\n")
            #expect(await process.wait() == 0)
        }
    }

    @Test func aMissingWorkingDirectoryIsAnError() throws {
        let missing = "/nonexistent/spawn-\(UUID())"
        do {
            _ = try SpawnedProcess(executable: "/bin/sh", arguments: ["-c", "true"], workingDirectory: missing)
            Issue.record("started a program in a directory that does not exist")
        } catch {
            #expect(error.code == ENOENT)
            #expect(error.description.hasPrefix("Cannot run in \(missing)"), "\(error)")
        }
    }

    @Test func aMissingProgramIsAnErrorNotACrash() throws {
        #expect(throws: SpawnedProcess.SpawnError.self) {
            _ = try SpawnedProcess(executable: "/nonexistent/program", arguments: [])
        }
        #expect(SpawnedProcess.resolve("sh") != nil)
        #expect(SpawnedProcess.resolve("no-such-program-anywhere") == nil)
    }

    @Test func aChildThatDiesWithItsParentOutlivesTheThreadThatStartedIt() async throws {
        // PR_SET_PDEATHSIG fires when the thread that forked exits: the fork must not happen on this one.
        let process: SpawnedProcess = try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result {
                        try SpawnedProcess(
                            executable: "/bin/sleep",
                            arguments: ["30"],
                            stdin: .null,
                            stdout: .null,
                            diesWithParent: true
                        )
                    }
                )
            }.start()
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(process.isRunning)
        process.signal(SIGTERM)
        #expect(await process.wait() == 128 + SIGTERM)
    }

    #if os(Linux)
        @Test func aChildThatDiesWithItsParentHasTheParentDeathSignalSet() async throws {
            // PR_GET_PDEATHSIG (2) as the child itself sees it, after execve.
            let script = """
                import ctypes
                libc = ctypes.CDLL(None)
                s = ctypes.c_int()
                libc.prctl(2, ctypes.byref(s))
                print(s.value)
                """
            for (diesWithParent, expected) in [(true, "\(SIGKILL)\n"), (false, "0\n")] {
                let process = try SpawnedProcess(
                    executable: "/usr/bin/python3",
                    arguments: ["-c", script],
                    stdin: .null,
                    diesWithParent: diesWithParent
                )
                #expect(readAll(process.takeOutput()) == expected, "diesWithParent: \(diesWithParent)")
                #expect(await process.wait() == 0)
            }
        }
    #endif

    @Test func aChildThatDiesWithItsParentFailsToStartAsAnyOther() throws {
        do {
            _ = try SpawnedProcess(executable: "/nonexistent/program", arguments: [], diesWithParent: true)
            Issue.record("started a program that does not exist")
        } catch {
            #expect(error.code == ENOENT)
            #expect(error.description.hasPrefix("Cannot start /nonexistent/program"), "\(error)")
        }
        let missing = "/nonexistent/spawn-\(UUID())"
        do {
            _ = try SpawnedProcess(
                executable: "/bin/sh",
                arguments: ["-c", "true"],
                workingDirectory: missing,
                diesWithParent: true
            )
            Issue.record("started a program in a directory that does not exist")
        } catch {
            #expect(error.code == ENOENT)
            #expect(error.description.hasPrefix("Cannot run in \(missing)"), "\(error)")
        }
        // A failure in the child itself, at execve, comes back with its errno.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID()).sh").path
        try Data("#!/bin/sh\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try SpawnedProcess(executable: path, arguments: [], diesWithParent: true)
            Issue.record("started a program that is not executable")
        } catch {
            #expect(error.code == EACCES)
            #expect(error.description.hasPrefix("Cannot start \(path)"), "\(error)")
        }
    }

    @Test func aChildThatDiesWithItsParentGetsItsStreamsEnvironmentAndDirectory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-cwd-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = try SpawnedProcess(
            executable: "/bin/sh",
            arguments: ["-c", "pwd; echo \"$X\"; /bin/cat; echo to-stderr >&2; exit 3"],
            environment: ["X": "the value"],
            workingDirectory: directory,
            stderr: .pipe,
            diesWithParent: true
        )
        SpawnedProcess.feed(Array("from stdin\n".utf8), to: process.takeInput())
        let errorOutput = process.takeErrorOutput()
        #expect(readAll(process.takeOutput()) == "\(directory)\nthe value\nfrom stdin\n")
        #expect(readAll(errorOutput) == "to-stderr\n")
        #expect(await process.wait() == 3)
    }

    @Test func aChildThatDiesWithItsParentGetsNoOtherDescriptorAndItsFilesAndGroup() async throws {
        let stray = open("/dev/null", O_RDONLY)
        try #require(stray >= 0)
        defer { close(stray) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID()).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Field 5 of /proc/PID/stat is the process group.
        let process = try SpawnedProcess(
            executable: "/bin/sh",
            arguments: ["-c", "ls /proc/$$/fd; echo $$ $(cut -d' ' -f5 /proc/$$/stat) >&2"],
            stdin: .null,
            stdout: .pipe,
            stderr: .file(path),
            newProcessGroup: true,
            diesWithParent: true
        )
        let open = readAll(process.takeOutput()).split(separator: "\n").compactMap { Int($0) }
        #expect(await process.wait() == 0)
        #expect(open.contains(0) && open.contains(1) && open.contains(2))
        #expect(!open.contains(Int(stray)), "descriptors open in the child: \(open)")
        #expect(open.allSatisfy { $0 < 10 }, "descriptors open in the child: \(open)")
        let ids = try String(contentsOfFile: path, encoding: .utf8).split(separator: " ").map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(ids == ["\(process.pid)", "\(process.pid)"])

        let group = try SpawnedProcess(
            executable: "/bin/sh",
            arguments: ["-c", "/bin/sleep 30; exit 0"],
            stdin: .null,
            stdout: .null,
            newProcessGroup: true,
            diesWithParent: true
        )
        group.signalGroup(SIGTERM)
        #expect(await group.wait() == 128 + SIGTERM)
    }
}
