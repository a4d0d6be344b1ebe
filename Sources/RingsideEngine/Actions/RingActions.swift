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

/// A ring change made into an action: the exact ring plan, and the balancer action that carries it out.
public struct RingActionPlan: Sendable {
    public var plan: RingPlanReport
    public var preview: ActionPreview
}

extension ActionRunner {
    /// Plans a virtual-node change on a ring of the fleet. On an HAProxy consistent-hash backend a node's points
    /// are 16 per weight unit (up to weight 256), so the change is a weight change on every balancer of the
    /// ring's group; the plan shows the shares before and after, what moves, and who gains and loses.
    public func planVirtualNodes(ring name: String, node: String, change: VirtualNodeChange) async throws(ActionError) -> RingActionPlan {
        let declarations: [RingDeclaration]
        do {
            declarations = try RingCatalog.rings(in: fleet)
        } catch {
            throw ActionError("\(error)")
        }
        guard let declaration = declarations.first(where: { $0.name == name }) else {
            throw ActionError("no ring named '\(name)' (rings: \(declarations.map(\.name).joined(separator: ", ")))")
        }
        if case let .twemproxyPool(path, pool) = declaration.source {
            return try planPoolVirtualNodes(declaration, path: path, pool: pool, node: node, change: change)
        }
        guard case let .haproxyBackend(address, backend, _) = declaration.source else {
            throw ActionError(
                "ring '\(name)' is \(declaration.origin): virtual-node changes are built for HAProxy backends and twemproxy pools so far "
                    + "(client-side rings: plan them with 'ringside ring plan \(name) --vnodes \(node)=…')")
        }
        let ring: HashRing
        do {
            ring = try HashRing(try await RingCatalog.definition(of: declaration, limits: limits))
        } catch {
            throw ActionError("\(error)")
        }
        guard let current = ring.nodes.first(where: { $0.name == node }) else {
            throw ActionError("ring '\(name)' has no node '\(node)' (nodes: \(ring.nodes.map(\.name).joined(separator: ", ")))")
        }
        let delta = switch change {
        case let .delta(delta): delta
        case let .exactly(points): points - current.points
        }
        let plan: RingPlan
        do {
            plan = try RingPlan(ring, changes: [.virtualNodes(node: node, delta: delta)])
        } catch {
            throw ActionError("\(error)")
        }
        guard let weight = plan.after.definition.members.first(where: { $0.name == node })?.weight else {
            throw ActionError("the plan lost node '\(node)'")
        }
        let balancer = fleet.endpoints.first { $0.name == declaration.balancer || ($0.kind == .haproxy && $0.address == address) }
        let scope = balancer?.group ?? balancer?.name ?? address.description
        let action = OperatorAction(target: ServerTarget(scope: scope, backend: backend, server: node), verb: .weight(.absolute(weight)))
        return RingActionPlan(plan: RingPlanReport(plan), preview: try await preview(action))
    }
}

extension ActionRunner {
    /// On a twemproxy pool a node's points follow its weight in the nutcracker config: the change rewrites that one
    /// server line, then runs the balancer's `apply_command`, then reads its stats port until the pool serves.
    func planPoolVirtualNodes(
        _ declaration: RingDeclaration, path: String, pool: String, node: String, change: VirtualNodeChange
    ) throws(ActionError) -> RingActionPlan {
        let ring: HashRing
        let text: String
        do {
            ring = try HashRing(try RingCatalog.twemproxyPool(declaration.name, path: path, pool: pool))
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ActionError("\(error)")
        }
        guard let current = ring.nodes.first(where: { $0.name == node }) else {
            throw ActionError("ring '\(declaration.name)' has no node '\(node)' (nodes: \(ring.nodes.map(\.name).joined(separator: ", ")))")
        }
        let delta = switch change {
        case let .delta(delta): delta
        case let .exactly(points): points - current.points
        }
        let plan: RingPlan
        do {
            plan = try RingPlan(ring, changes: [.virtualNodes(node: node, delta: delta)])
        } catch {
            throw ActionError("\(error)")
        }
        guard let weight = plan.after.definition.members.first(where: { $0.name == node })?.weight else { throw ActionError("the plan lost node '\(node)'") }
        guard let balancer = fleet.endpoints.first(where: { $0.kind == .twemproxy && ($0.name == declaration.balancer || $0.nutcrackerConfigPath == path) }) else {
            throw ActionError("no twemproxy balancer of the fleet reads \(path)")
        }
        guard let applyCommand = balancer.applyCommand else {
            throw ActionError(
                "give the twemproxy balancer '\(balancer.name)' an apply_command in the fleet file: the command that makes a new nutcracker "
                    + "config live (for example: systemctl restart nutcracker)")
        }
        let action = OperatorAction(target: ServerTarget(scope: balancer.name, backend: pool, server: node), verb: .poolWeight(weight))
        let edit = try NutcrackerEdit.settingWeight(in: text, path: path, pool: pool, server: node, to: weight)
        let configChange = edit.oldWeight == weight
            ? nil : ConfigChangePlan(balancer: balancer.name, statsAddress: balancer.address.description, edit: edit, applyCommand: applyCommand)
        let warnings = configChange == nil ? [] : ["'\(applyCommand)' runs on this host; a nutcracker restart drops its client connections"]
        // Already at that weight: one member with nothing to send, which reads as "already in effect".
        let members = configChange == nil ? [MemberPlan(endpoint: balancer.name, address: balancer.address.description)] : []
        return RingActionPlan(plan: RingPlanReport(plan), preview: ActionPreview(action: action, members: members, warnings: warnings, configChange: configChange))
    }
}

/// Ring changes as balancer actions: what the rings screen's apply key and the overview's drain key send.
public enum RingChangeActions {
    /// The balancer (or its group) an HAProxy ring lives on, as an action's scope.
    static func scope(of declaration: RingDeclaration, address: HostPort, in fleet: Fleet) -> String {
        let balancer = fleet.endpoints.first { $0.name == declaration.balancer || ($0.kind == .haproxy && $0.address == address) }
        return balancer?.group ?? balancer?.name ?? address.description
    }

    /// The action that carries out one staged change on a ring.
    public static func action(for change: RingChange, on declaration: RingDeclaration, fleet: Fleet) throws(ActionError) -> OperatorAction {
        guard case let .haproxyBackend(address, backend, _) = declaration.source else {
            throw ActionError("ring '\(declaration.name)' is not an HAProxy ring: applying is built for HAProxy backends so far")
        }
        let target = ServerTarget(scope: scope(of: declaration, address: address, in: fleet), backend: backend, server: change.node)
        switch change {
        case let .setWeight(_, weight): return OperatorAction(target: target, verb: .weight(.absolute(weight)))
        case .drain: return OperatorAction(target: target, verb: .state(.drain))
        case .virtualNodes: throw ActionError("virtual-node changes go through 'ringside vnodes \(declaration.name) \(change.node) +N'")
        case .add, .remove:
            throw ActionError("HAProxy servers are added and removed in its configuration; ringside changes weights and states only")
        }
    }

    /// Taking a cache node off its ring: on an HAProxy ring, draining the server at the node's address.
    public static func drainOffRing(node name: String, snapshot: FleetSnapshot, declarations: [RingDeclaration]) throws(ActionError) -> OperatorAction {
        guard let node = snapshot.fleet.endpoints.first(where: { $0.name == name && $0.kind.isCacheNode }) else {
            throw ActionError("'\(name)' is not a cache node")
        }
        for declaration in declarations {
            guard case let .haproxyBackend(address, backendName, _) = declaration.source,
                  let balancer = snapshot.endpoints.first(where: { $0.endpoint.name == declaration.balancer || $0.endpoint.address == address }),
                  let backend = balancer.haproxy?.backends.first(where: { $0.name == backendName }),
                  let server = backend.servers.first(where: { $0.address == node.address.description })
            else { continue }
            let target = ServerTarget(scope: scope(of: declaration, address: address, in: snapshot.fleet), backend: backendName, server: server.name)
            return OperatorAction(target: target, verb: .state(.drain))
        }
        let pools = declarations.filter { if case .twemproxyPool = $0.source { true } else { false } }.map(\.name)
        if !pools.isEmpty {
            throw ActionError("\(name) is on no HAProxy ring; taking it out of a twemproxy pool (\(pools.joined(separator: ", "))) rewrites the nutcracker config, which is not built yet")
        }
        throw ActionError("\(name) is on no HAProxy ring of this fleet")
    }
}
