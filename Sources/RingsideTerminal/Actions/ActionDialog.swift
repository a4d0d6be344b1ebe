import RingsideCore

/// The confirmation of an action: first the fresh read of its balancers, then the preview with Cancel and Apply,
/// Cancel chosen. An action on a group (several balancers) is applied only after its name is typed.
public struct ActionDialog: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// The balancers are being read for the preview.
        case reading(OperatorAction)
        /// A ring change is being planned (its action is known once the ring is read): the title says what.
        case planning(String)
        case previewing(ActionPreview)
        /// The preview could not be made: the dialog's title, and why.
        case failed(title: String, reason: String)
        /// Which kind of warm for this cache node: clone, key list or ring (`W`).
        case choosingWarm(String)
        /// A warm's nodes (and ring) are being read for its preview: the title says which warm.
        case preparingWarm(String)
        /// A warm to confirm: what it reads, what it writes, its limits.
        case warming(ShownWarm)
        /// The warms a staged ring change needs, then the change itself (confirmed again after the warms).
        case warmingThenApplying(ShownWarmThenApply)
    }

    public var phase: Phase
    /// The ring plan of a ring change (`ringside ring plan`'s text), shown above the preview.
    public var ringPlan: String?
    /// A drain to be followed, once the server's sessions and queue are zero, by maintenance.
    public var thenMaint = false
    /// Apply is chosen; the default is Cancel, so Enter alone never changes a server.
    public var applyChosen = false
    /// What was typed to confirm a group action.
    public var typed = ""

    public init(phase: Phase, ringPlan: String? = nil) {
        self.phase = phase
        self.ringPlan = ringPlan
    }

    /// Still waiting for its preview.
    public var isWaiting: Bool {
        switch phase {
        case .reading, .planning, .preparingWarm: true
        case .previewing, .failed, .warming, .choosingWarm, .warmingThenApplying: false
        }
    }

    /// The name to type before Apply takes: the group's, when the action lands on more than one balancer.
    public var nameToType: String? {
        guard case let .previewing(preview) = phase, preview.members.count > 1 else { return nil }
        return preview.action.target.scope
    }

    /// The preview leaves something to confirm: commands to send, or (a drain → maint on a server already
    /// draining) the wait for its sessions and then maintenance.
    public var hasWork: Bool {
        switch phase {
        case .warming, .warmingThenApplying: return true
        default: break
        }
        guard case let .previewing(preview) = phase else { return false }
        return preview.sendsAnything || (thenMaint && preview.alreadyInEffect)
    }

    /// Apply would do something now.
    public var canApply: Bool {
        guard hasWork else { return false }
        return nameToType.map { typed == $0 } ?? true
    }

    /// What a key does to the dialog.
    public enum Outcome: Sendable, Equatable {
        case stay
        case close
        case cancel(ActionPreview)
        case apply(ActionPreview)
        case warm(ShownWarm)
        case warmThenApply(ShownWarmThenApply)
        /// The kind of warm chosen for a node: its `:warm` line is prefilled.
        case chooseWarm(node: String, WarmAskKind)
        case quit
    }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .control("c"): return .quit
        case .escape: return closing()
        case .tab, .backTab, .left, .right:
            if hasWork { applyChosen.toggle() }
        case .backspace where nameToType != nil:
            if !typed.isEmpty { typed.removeLast() }
        case let .character(character) where nameToType != nil:
            typed.append(character)
        case let .character(character):
            if case let .choosingWarm(node) = phase, let kind = WarmAskKind(rawValue: character) { return .chooseWarm(node: node, kind) }
        case .enter:
            guard applyChosen, canApply else { return closing() }
            switch phase {
            case let .previewing(preview): return .apply(preview)
            case let .warming(shown): return .warm(shown)
            case let .warmingThenApplying(shown): return .warmThenApply(shown)
            default: return closing()
            }
        default: break
        }
        return .stay
    }

    /// Leaving without applying: a preview that was shown is recorded as cancelled.
    private func closing() -> Outcome {
        if hasWork, case let .previewing(preview) = phase { return .cancel(preview) }
        return .close
    }
}
