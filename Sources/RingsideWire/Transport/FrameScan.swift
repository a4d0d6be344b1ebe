/// The verdict of a framer over the bytes received so far.
public enum FrameScan: Sendable, Equatable {
    /// One whole reply occupies the first `length` bytes.
    case complete(length: Int)
    /// Not yet: scan again from `resumeAt` when more bytes arrive (so long replies are scanned once, not per read).
    case incomplete(resumeAt: Int)
    /// The bytes cannot be a valid reply.
    case invalid(String)
}

/// How the replies of a protocol end. Each framer is a pure function over bytes, unit-tested on captured replies.
public enum ReplyFraming: Sendable {
    /// `scan(bytes, resumeAt)`: where the first reply in `bytes` ends.
    case scanned(@Sendable (_ bytes: [UInt8], _ resumeAt: Int) -> FrameScan)
    /// The server sends one document and closes (twemproxy's stats port).
    case untilClose
}
