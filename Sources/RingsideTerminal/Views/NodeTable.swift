import RingsideCore
import RingsideEngine

/// The cache-node rows the overview shows: filtered by name, sorted by the chosen column.
public enum NodeRows {
    public static func visible(_ snapshot: FleetSnapshot, state: ConsoleState) -> [EndpointState] {
        let needle = state.filter.lowercased()
        let nodes = snapshot.cacheNodes.filter { needle.isEmpty || $0.endpoint.name.lowercased().contains(needle) }
        let sorted = nodes.sorted { a, b in
            switch state.sort {
            case .name: return a.endpoint.name < b.endpoint.name
            case .health: return (healthRank(a.health), a.endpoint.name) < (healthRank(b.health), b.endpoint.name)
            case .hitRatio: return (a.interval?.hitRatio ?? -1) < (b.interval?.hitRatio ?? -1)
            case .ops: return (a.interval?.opsPerSecond ?? -1) < (b.interval?.opsPerSecond ?? -1)
            case .evictions: return (a.interval?.evictionsPerSecond ?? -1) < (b.interval?.evictionsPerSecond ?? -1)
            case .memory: return (a.cacheSample?.gauges.memoryFraction ?? -1) < (b.cacheSample?.gauges.memoryFraction ?? -1)
            case .latency: return (a.latency ?? .zero) < (b.latency ?? .zero)
            }
        }
        return state.ascending ? sorted : sorted.reversed()
    }

    /// Worst first when sorted ascending by health.
    private static func healthRank(_ health: Health) -> Int {
        switch health {
        case .down, .authFailed, .protocolError: 0
        case .slow: 1
        case .unknown: 2
        case .up: 3
        }
    }
}

/// A column of a table: its title, width, alignment, and the narrowest screen that shows it.
struct Column {
    var title: String
    var width: Int
    var rightAligned = false
    var sortKey: SortKey? = nil
    var minimumScreenWidth = 0
}

/// One cell of a table row.
struct TableCell {
    var text: String
    var slot: Slot = .body
}

extension Canvas {
    /// Draws `cells` under `columns` on row `y`, one space apart, from column 1.
    mutating func drawRow(_ cells: [TableCell], columns: [Column], y: Int, glyphs: Glyphs) {
        var x = 1
        for (column, cell) in zip(columns, cells) {
            let text = column.rightAligned ? cell.text.rightAligned(column.width) : cell.text.leftAligned(column.width)
            put(text.fitted(to: column.width, ellipsis: glyphs.ellipsis), x: x, y: y, slot: cell.slot)
            x += column.width + 1
        }
    }
}
