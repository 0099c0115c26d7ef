import AgentFuzzing
import Foundation

// Built two ways. With `--sanitize=fuzzer -Xswiftc -DFUZZING` (scripts/fuzz.sh), libFuzzer's driver
// calls the entry point below with generated inputs. Built normally, it is a replayer: every file named
// on the command line (or in a directory named there) goes through the same entry point, so a crash
// found by the fuzzer reproduces in an ordinary build. With `--output`, the replayer also prints what the
// service wrote for each input, which is what to look at when an input misbehaves without crashing.

/// The fuzzer and the replayer serve inputs the same way: an input's tasks run on the thread serving it.
private let tasksRunInline: Void = { FuzzHarness.runTasksInline() }()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    tasksRunInline
    FuzzHarness.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !FUZZING
    @main
    enum Replay {
        static func main() {
            tasksRunInline
            var paths = Array(CommandLine.arguments.dropFirst())
            let showOutput = paths.first == "--output"
            if showOutput { paths.removeFirst() }
            guard !paths.isEmpty else {
                FileHandle.standardError.write(Data("usage: agentwire-fuzz [--output] FILE|DIRECTORY...\n".utf8))
                exit(2)
            }
            var count = 0
            for path in paths {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    FileHandle.standardError.write(Data("agentwire-fuzz: no such file: \(path)\n".utf8))
                    exit(2)
                }
                let files =
                    isDirectory.boolValue
                    ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map {
                        (path as NSString).appendingPathComponent($0)
                    } : [path]
                for file in files {
                    guard let data = FileManager.default.contents(atPath: file) else { continue }
                    if showOutput {
                        let output = FuzzHarness.run([UInt8](data), keepingOutput: true)
                        FileHandle.standardOutput.write(Data("==> \(file)\n".utf8) + Data(output) + Data("\n".utf8))
                    } else {
                        _ = data.withUnsafeBytes { bytes in
                            fuzzOneInput(
                                bytes.bindMemory(to: UInt8.self).baseAddress ?? UnsafePointer(bitPattern: 1)!,
                                data.count
                            )
                        }
                    }
                    count += 1
                }
            }
            print("replayed \(count) inputs without a crash")
        }
    }
#endif
