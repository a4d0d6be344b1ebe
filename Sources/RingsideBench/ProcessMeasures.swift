import Foundation

/// CPU seconds (user + system) this process has used so far, all threads included.
func processCPUSeconds() -> Double {
    let usage = ProcessUsage.now()
    return usage.user + usage.system
}

/// This process's resource use so far, all threads included.
struct ProcessUsage {
    var user: Double
    var system: Double
    var voluntarySwitches: Int
    /// The most resident memory the process has had, in bytes.
    var peakResidentBytes: Int

    static func now() -> ProcessUsage {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return ProcessUsage(user: seconds(usage.ru_utime), system: seconds(usage.ru_stime), voluntarySwitches: usage.ru_nvcsw,
            peakResidentBytes: usage.ru_maxrss * 1024)
    }
}

/// CPU seconds another process has used so far, from /proc/PID/schedstat (nanoseconds; /proc/PID/stat counts
/// in 10 ms ticks, too coarse for a light peer such as redis-cli).
func processCPUSeconds(pid: pid_t) -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/schedstat", encoding: .utf8),
        let nanoseconds = text.split(separator: " ").first.flatMap({ Double($0) })
    else { return nil }
    return nanoseconds / 1e9
}

private func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }

/// 1,000 endpoints need more than the common default of 1,024 open files.
func raiseOpenFileLimit() {
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = limit.rlim_max
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}

/// The peak resident memory of what runs between `start()` and `growth()`, above what the process held at the
/// start: Linux resets the peak (`VmHWM`) when `5` is written to /proc/self/clear_refs.
struct ResidentPeak {
    private let base: Int

    static func start() -> ResidentPeak? {
        guard let file = fopen("/proc/self/clear_refs", "w") else { return nil }
        fputs("5", file)
        fclose(file)
        return statusField("VmRSS:").map { ResidentPeak(base: $0) }
    }

    func growth() -> Int? { Self.statusField("VmHWM:").map { max(0, $0 - base) } }

    /// A `kB` field of /proc/self/status, in bytes.
    private static func statusField(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return kilobytes * 1024
    }
}
