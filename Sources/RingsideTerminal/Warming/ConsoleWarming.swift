import Foundation
import RingsideCore
import RingsideEngine

/// What the console asks to preview and run warms: the `WarmRunner` in production.
public protocol ConsoleWarming: Sendable {
    func ringPlan(_ name: String, target: String, changes: [RingChange]) async throws(ActionError) -> RingPlan
    func preview(_ request: WarmRequest, settings: WarmSettings) async throws(ActionError) -> WarmPreview
    func execute(_ preview: WarmPreview, control: WarmControl, progress: @Sendable (WarmProgress) -> Void) async -> WarmReport
    /// A staged ring change with a warm of every node it gives keys to, from the nodes losing them.
    func planWarmThenApply(ring: String, change: RingChange, settings: WarmSettings) async throws(ActionError) -> WarmThenApplyPlan
}

extension WarmRunner: ConsoleWarming {
    public func planWarmThenApply(ring: String, change: RingChange, settings: WarmSettings) async throws(ActionError) -> WarmThenApplyPlan {
        let plan = try await WarmThenShift(warming: self).plan(ring: ring, change: change, warm: settings)
        return WarmThenApplyPlan(title: "warm, then apply \(change) on \(ring)", ringPlan: RingText.render(plan.ring.plan), warms: plan.warms, shift: plan.ring.preview)
    }
}

/// "Warm, then apply" from the rings screen: the warms to run first, then the ring change, which is confirmed
/// again once they are done (the ring stays as it is until then).
public struct WarmThenApplyPlan: Sendable {
    public var title: String
    /// `ringside ring plan`'s text.
    public var ringPlan: String
    /// One per node that gains keys; empty when the change moves none.
    public var warms: [WarmPreview]
    public var shift: ActionPreview

    public init(title: String, ringPlan: String, warms: [WarmPreview], shift: ActionPreview) {
        self.title = title
        self.ringPlan = ringPlan
        self.warms = warms
        self.shift = shift
    }
}

/// A warm as the `:warm` line asks for it, before anything is read: the key list is a file and the ring is read
/// off the console thread, when the preview is made.
public struct WarmAsk: Sendable, Equatable {
    public enum Keys: Sendable, Equatable {
        /// Every key of `source`.
        case clone(from: String)
        /// The keys listed in a file, read from `source`.
        case list(path: String, from: String)
        /// The keys the target owns on the ring, from the members that hold them now.
        case ring(String)
    }

    public var target: String
    public var keys: Keys
    /// `--rate N`: reads from the sources, keys a second (a production source keeps serving while it is read).
    public var keysPerSecond: Double?

    /// One status line at 80 columns; `:help` says what each form copies.
    public static let usage = "usage: :warm NODE --from SOURCE [--keys FILE] | NODE --ring RING; [--rate N]"

    /// `NODE --from SOURCE [--keys FILE]` or `NODE --ring RING`, then `--rate N` if wanted, in any order.
    public static func parse(_ text: String) throws(ActionError) -> WarmAsk {
        var words = text.split(separator: " ").map(String.init)
        guard !words.isEmpty, !words[0].hasPrefix("--") else { throw ActionError(usage) }
        let target = words.removeFirst()
        var options: [String: String] = [:]
        while !words.isEmpty {
            let option = words.removeFirst()
            guard ["--from", "--keys", "--ring", "--rate"].contains(option), !words.isEmpty, options[option] == nil else { throw ActionError(usage) }
            options[option] = words.removeFirst()
        }
        var rate: Double?
        if let text = options["--rate"] {
            guard let value = Double(text), value.isFinite, value > 0 else { throw ActionError("--rate takes keys a second, more than 0 (got '\(text)')") }
            rate = value
        }
        let keys: Keys
        switch (options["--from"], options["--keys"], options["--ring"]) {
        case let (source?, nil, nil): keys = .clone(from: source)
        case let (source?, path?, nil): keys = .list(path: path, from: source)
        case let (nil, nil, ring?): keys = .ring(ring)
        default: throw ActionError(usage)
        }
        return WarmAsk(target: target, keys: keys, keysPerSecond: rate)
    }

    /// The default settings, with the rate asked for.
    var settings: WarmSettings {
        var settings = WarmSettings()
        settings.keysPerSecond = keysPerSecond
        return settings
    }

    /// How the dialog names it until the preview comes.
    public var title: String {
        switch keys {
        case let .clone(source): "warm \(target) from \(source) (clone)"
        case let .list(path, source): "warm \(target) from \(source) (keys in \(path))"
        case let .ring(ring): "warm \(target) (ring \(ring))"
        }
    }

    /// The request, with the key list read and the ring read and planned.
    func request(_ warming: any ConsoleWarming) async throws(ActionError) -> WarmRequest {
        switch keys {
        case let .clone(source): return WarmRequest(target: target, keys: .clone(from: source))
        case let .list(path, source):
            guard let data = FileManager.default.contents(atPath: path) else { throw ActionError("cannot read the key list \(path)") }
            return WarmRequest(target: target, keys: .list(WarmKeyList.parse(data), from: source))
        case let .ring(ring): return WarmRequest(target: target, keys: .ring(try await warming.ringPlan(ring, target: target, changes: [])))
        }
    }
}

/// The kinds of warm `W` offers, by the key that chooses each.
public enum WarmAskKind: Character, Sendable, CaseIterable {
    case clone = "c", list = "k", ring = "r"

    var explanation: String {
        switch self {
        case .clone: "clone: every key of another node (replacing a node)"
        case .list: "key list: the keys in a file, read from another node (a hot-key list)"
        case .ring: "ring: the keys it owns on a ring, from the members holding them"
        }
    }

    /// The `:warm` line it prefills for `node`, and what the prompt says is still to type.
    func commandLine(for node: String) -> (line: String, hint: String) {
        switch self {
        case .clone: ("warm \(node) --from ", "the node to copy every key from")
        case .list: ("warm \(node) --keys ", "FILE --from SOURCE")
        case .ring: ("warm \(node) --ring ", "RING (4 lists them)")
        }
    }
}

/// What a confirmation dialog shows, compared by identity: a warm's preview holds a ring plan, which has no
/// equality of its own, and two previews made one after the other are two confirmations.
public struct Shown<Value: Sendable>: Sendable, Equatable {
    public let id = UUID()
    public let value: Value

    public init(_ value: Value) {
        self.value = value
    }

    public static func == (left: Shown, right: Shown) -> Bool { left.id == right.id }
}

/// A warm's preview to confirm.
public typealias ShownWarm = Shown<WarmPreview>
/// A warm-then-apply plan to confirm.
public typealias ShownWarmThenApply = Shown<WarmThenApplyPlan>
