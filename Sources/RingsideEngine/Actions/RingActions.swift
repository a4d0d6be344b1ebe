import Foundation
import RingsideCore

/// A virtual-node change on a ring, as `ringside vnodes RING NODE +N|-N|=N` and `:vnodes` give it.
public enum VirtualNodeChange: Sendable, Equatable {
    case delta(Int)
    /// `=N`: this many points.
    case exactly(Int)

    public static func parse(_ text: String) throws(ActionError) -> VirtualNodeChange {
        let fail = ActionError("virtual nodes '\(text)': give +N or -N (points to add or remove) or =N (points to have)")
        if text.hasPrefix("=") {
            guard let points = Int(text.dropFirst()), points >= 0 else { throw fail }
            return .exactly(points)
        }
        guard text.hasPrefix("+") || text.hasPrefix("-"), let delta = Int(text.dropFirst()), delta > 0 else { throw fail }
        return .delta(text.hasPrefix("-") ? -delta : delta)
    }
}

/// A ring change made into an action: the exact ring plan, and the action that carries it out.
public struct RingActionPlan: Sendable {
    public var plan: RingPlanReport
    public var preview: ActionPreview
    /// The rings before and after: what a warm ahead of the change selects keys by.
    public var exact: RingPlan

    init(_ exact: RingPlan, preview: ActionPreview) {
        self.plan = RingPlanReport(exact)
        self.preview = preview
        self.exact = exact
    }
}

/// Ring changes as actions. On an HAProxy consistent-hash backend a node's points are 16 per weight unit and a
/// drain takes it off the ring: weight and state actions on every balancer of the ring's group. On a twemproxy
/// pool its points follow its weight in the nutcracker config, and it leaves the ring by removal (twemproxy has
/// no drain and rejects weight 0): one server line rewritten, then the balancer's `apply_command`. Every plan is
/// `ringside ring plan`'s: shares before and after, the keys that move, who gains and who loses.
extension ActionRunner {
    public func planVirtualNodes(ring name: String, node: String, change: VirtualNodeChange) async throws(ActionError) -> RingActionPlan {
        let (declaration, ring) = try await ringNamed(name)
        guard let current = ring.nodes.first(where: { $0.name == node }) else {
            throw ActionError("ring '\(name)' has no node '\(node)' (nodes: \(ring.nodes.map(\.name).joined(separator: ", ")))")
        }
        let delta = switch change {
        case let .delta(delta): delta
        case let .exactly(points): points - current.points
        }
        return try await plan(.virtualNodes(node: node, delta: delta), on: declaration, ring: ring)
    }

    /// One staged change of the rings screen.
    public func planRingChange(ring name: String, change: RingChange) async throws(ActionError) -> RingActionPlan {
        let (declaration, ring) = try await ringNamed(name)
        return try await plan(change, on: declaration, ring: ring)
    }

    /// Takes a cache node off the first ring that has a member at its address: a drain on HAProxy, a removal on
    /// twemproxy.
    public func planNodeOffRing(node name: String) async throws(ActionError) -> RingActionPlan {
        guard let node = fleet.endpoints.first(where: { $0.name == name && $0.kind.isCacheNode }) else {
            throw ActionError("'\(name)' is not a cache node")
        }
        for declaration in (try? RingCatalog.rings(in: fleet)) ?? fleet.rings {
            let change: (String) -> RingChange
            switch declaration.source {
            case .haproxyBackend: change = { .drain(node: $0) }
            case .twemproxyPool: change = { .remove(node: $0) }
            case .members, .redisCluster: continue
            }
            guard let ring = try? await build(declaration),
                  let member = ring.definition.members.first(where: { $0.address == node.address.description })
            else { continue }
            return try await plan(change(member.name), on: declaration, ring: ring)
        }
        throw ActionError("\(name) is on no HAProxy or twemproxy ring of this fleet")
    }

    /// The ring plan of a server action, when its backend is a ring of the fleet (a weight change or a drain on a
    /// consistent-hash backend moves keys): what `ringside weight` and `drain` print above their preview.
    public func ringPlan(of action: OperatorAction) async -> RingPlanReport? {
        let change: RingChange
        switch action.verb {
        case .state(.drain), .state(.maint): change = .drain(node: action.target.server)
        case let .weight(.absolute(weight)): change = .setWeight(node: action.target.server, weight: weight)
        default: return nil
        }
        let members = Set(fleet.haproxyMembers(of: action.target.scope).map(\.name))
        for declaration in (try? RingCatalog.rings(in: fleet)) ?? fleet.rings {
            guard case let .haproxyBackend(address, backend, _) = declaration.source, backend == action.target.backend,
                  let balancer = fleet.endpoints.first(where: { $0.name == declaration.balancer || ($0.kind == .haproxy && $0.address == address) }),
                  members.contains(balancer.name) || balancer.group == action.target.scope,
                  let ring = try? await build(declaration), let plan = try? RingPlan(ring, changes: [change])
            else { continue }
            return RingPlanReport(plan)
        }
        return nil
    }

    private func ringNamed(_ name: String) async throws(ActionError) -> (RingDeclaration, HashRing) {
        let declarations = (try? RingCatalog.rings(in: fleet)) ?? fleet.rings
        guard let declaration = declarations.first(where: { $0.name == name }) else {
            throw ActionError("no ring named '\(name)' (rings: \(declarations.map(\.name).joined(separator: ", ")))")
        }
        return (declaration, try await build(declaration))
    }

    private func build(_ declaration: RingDeclaration) async throws(ActionError) -> HashRing {
        do {
            return try HashRing(try await RingCatalog.definition(of: declaration, limits: limits))
        } catch {
            throw ActionError("\(error)")
        }
    }

    private func plan(_ change: RingChange, on declaration: RingDeclaration, ring: HashRing) async throws(ActionError) -> RingActionPlan {
        let plan: RingPlan
        do {
            plan = try RingPlan(ring, changes: [change])
        } catch {
            throw ActionError("\(error)")
        }
        let weightAfter = plan.after.definition.members.first { $0.name == change.node }?.weight
        switch declaration.source {
        case let .haproxyBackend(address, backend, _):
            let balancer = fleet.endpoints.first { $0.name == declaration.balancer || ($0.kind == .haproxy && $0.address == address) }
            let target = ServerTarget(scope: balancer?.group ?? balancer?.name ?? address.description, backend: backend, server: change.node)
            let verb: OperatorAction.Verb
            switch change {
            case .drain: verb = .state(.drain)
            case .setWeight, .virtualNodes:
                guard let weightAfter else { throw ActionError("the plan lost node '\(change.node)'") }
                verb = .weight(.absolute(weightAfter))
            case .add, .remove:
                throw ActionError("HAProxy servers are added and removed in its configuration; ringside changes weights and states only")
            }
            return RingActionPlan(plan, preview: try await preview(OperatorAction(target: target, verb: verb)))
        case let .twemproxyPool(path, pool):
            return RingActionPlan(plan, preview: try poolPreview(change, weightAfter: weightAfter, path: path, pool: pool, declaration: declaration))
        case .members:
            return RingActionPlan(plan, preview: try fleetFilePreview(change, weightAfter: weightAfter, declaration: declaration))
        case .redisCluster:
            throw ActionError("ring '\(declaration.name)' is a Redis Cluster: its slots move by migration, which ringside does not do")
        }
    }

    /// A client-side ring's change: the member's weight in the fleet file (the clients read their own config).
    private func fleetFilePreview(_ change: RingChange, weightAfter: Int?, declaration: RingDeclaration) throws(ActionError) -> ActionPreview {
        guard let path = fleet.sourcePath else {
            throw ActionError("ring '\(declaration.name)' was not read from a fleet file, so there is no file to change")
        }
        guard case .setWeight = change, let weightAfter else {
            if case .virtualNodes = change, let weightAfter { return try fleetFilePreview(.setWeight(node: change.node, weight: weightAfter), weightAfter: weightAfter, declaration: declaration) }
            throw ActionError("client-side rings change weights in the fleet file; add and remove members there by hand")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ActionError("cannot read \(path): \(error.localizedDescription)")
        }
        let edit = try FleetFileEdit.settingMemberWeight(in: text, path: path, ring: declaration.name, member: change.node, to: weightAfter)
        let action = OperatorAction(target: ServerTarget(scope: "ring", backend: declaration.name, server: change.node), verb: .ringMemberWeight(weightAfter))
        if edit.oldWeight == weightAfter {
            return ActionPreview(action: action, members: [MemberPlan(endpoint: "fleet file", address: path)])
        }
        return ActionPreview(
            action: action, members: [],
            warnings: ["this changes ringside's model only: the clients hashing on this ring must get the same weight in their own configuration"],
            fleetFileEdit: edit)
    }

    /// The nutcracker config edit for a change on a twemproxy pool, as a preview.
    private func poolPreview(_ change: RingChange, weightAfter: Int?, path: String, pool: String, declaration: RingDeclaration) throws(ActionError) -> ActionPreview {
        guard let balancer = fleet.endpoints.first(where: { $0.kind == .twemproxy && ($0.name == declaration.balancer || $0.nutcrackerConfigPath == path) }) else {
            throw ActionError("no twemproxy balancer of the fleet reads \(path)")
        }
        guard let applyCommand = balancer.applyCommand else {
            throw ActionError(
                "give the twemproxy balancer '\(balancer.name)' an apply_command in the fleet file: the command that makes a new nutcracker "
                    + "config live (for example: systemctl restart nutcracker)")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ActionError("cannot read \(path): \(error.localizedDescription)")
        }
        let target = ServerTarget(scope: balancer.name, backend: pool, server: change.node)
        let action: OperatorAction, edit: NutcrackerEdit
        var warnings = ["'\(applyCommand)' runs on this host; a nutcracker restart drops its client connections"]
        switch change {
        case .drain, .remove:
            action = OperatorAction(target: target, verb: .poolRemove)
            edit = try NutcrackerEdit.removingServer(in: text, path: path, pool: pool, server: change.node)
            warnings.append("twemproxy has no drain and rejects weight 0: \(change.node) leaves the pool, and its keys go to the nodes the plan names")
        case .setWeight, .virtualNodes:
            guard let weightAfter else { throw ActionError("the plan lost node '\(change.node)'") }
            action = OperatorAction(target: target, verb: .poolWeight(weightAfter))
            edit = try NutcrackerEdit.settingWeight(in: text, path: path, pool: pool, server: change.node, to: weightAfter)
            // Already at that weight: one member with nothing to send, which reads as "already in effect".
            if edit.oldWeight == weightAfter {
                return ActionPreview(action: action, members: [MemberPlan(endpoint: balancer.name, address: balancer.address.description)])
            }
        case .add:
            throw ActionError("adding a server to a twemproxy pool is not built yet; plan it with 'ringside ring plan \(declaration.name) --add'")
        }
        let configChange = ConfigChangePlan(balancer: balancer.name, statsAddress: balancer.address.description, edit: edit, applyCommand: applyCommand)
        return ActionPreview(action: action, members: [], warnings: warnings, configChange: configChange)
    }
}
