import AgentFuzzing
import Foundation

// Built two ways. With `--sanitize=fuzzer -Xswiftc -DFUZZING` (scripts/fuzz.sh), libFuzzer's driver
// calls the entry point below with generated inputs. Built normally, it is a replayer: every file named
// on the command line (or in a directory named there) goes through the same entry point, so a crash
// found by the fuzzer reproduces in an ordinary build.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if !FUZZING
    @main
    enum Replay {
        static func main() {
            let paths = CommandLine.arguments.dropFirst()
            guard !paths.isEmpty else {
                FileHandle.standardError.write(Data("usage: agentwire-fuzz FILE|DIRECTORY...\n".utf8))
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
                    _ = data.withUnsafeBytes { bytes in
                        fuzzOneInput(
                            bytes.bindMemory(to: UInt8.self).baseAddress ?? UnsafePointer(bitPattern: 1)!,
                            data.count
                        )
                    }
                    count += 1
                }
            }
            print("replayed \(count) inputs without a crash")
        }
    }
#endif
