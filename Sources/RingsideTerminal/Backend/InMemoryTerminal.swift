import Synchronization

/// A terminal in memory for stepping the console loop in tests: it hands out scripted inputs and keeps every frame.
/// After the script it answers `.gone`, so a loop under test always ends.
public final class InMemoryTerminal: ConsoleTerminal, Sendable {
    public let unicode: Bool
    private let state: Mutex<(size: (width: Int, height: Int), inputs: [TerminalInput], frames: [Canvas], closed: Bool)>

    public init(width: Int = 80, height: Int = 24, unicode: Bool = true, inputs: [TerminalInput] = []) {
        self.unicode = unicode
        state = Mutex(((width, height), inputs, [], false))
    }

    public var size: (width: Int, height: Int) { state.withLock { $0.size } }

    public func readInput() -> TerminalInput {
        state.withLock { $0.inputs.isEmpty ? .gone : $0.inputs.removeFirst() }
    }

    public func draw(_ canvas: Canvas) { state.withLock { $0.frames.append(canvas) } }

    public func repaintEverything() {}

    public func close() { state.withLock { $0.closed = true } }

    /// Every frame drawn, oldest first.
    public var frames: [Canvas] { state.withLock { $0.frames } }

    public var isClosed: Bool { state.withLock { $0.closed } }
}
