import RingsideCore
import RingsideEngine

/// The cache-node rows the overview shows: filtered by name, sorted by the chosen column.
public enum NodeRows {
    /// Positions in `snapshot.endpoints`, in display order. Indices, not states: a frame of a thousand-node fleet
    /// must not copy a thousand states to sort them.
    public static func visible(_ snapshot: FleetSnapshot, state: ConsoleState) -> [Int] {
        let nodes = snapshot.endpoints
        let needle = state.filter.lowercased()
        let rows = nodes.indices.filter { index in
            nodes[index].endpoint.kind.isCacheNode && (needle.isEmpty || nodes[index].endpoint.name.lowercased().contains(needle))
        }
        let sorted = rows.sorted { a, b in
            switch state.sort {
            case .name: return NaturalOrder.less(nodes[a].endpoint.name, nodes[b].endpoint.name)
            case .health:
                let rankA = healthRank(nodes[a].health), rankB = healthRank(nodes[b].health)
                return rankA != rankB ? rankA < rankB : NaturalOrder.less(nodes[a].endpoint.name, nodes[b].endpoint.name)
            case .hitRatio: return (nodes[a].interval?.hitRatio ?? -1) < (nodes[b].interval?.hitRatio ?? -1)
            case .ops: return (nodes[a].interval?.opsPerSecond ?? -1) < (nodes[b].interval?.opsPerSecond ?? -1)
            case .evictions: return (nodes[a].interval?.evictionsPerSecond ?? -1) < (nodes[b].interval?.evictionsPerSecond ?? -1)
            case .memory:
                return (nodes[a].cacheSample?.gauges.memoryFraction ?? -1) < (nodes[b].cacheSample?.gauges.memoryFraction ?? -1)
            case .latency: return (nodes[a].latency ?? .zero) < (nodes[b].latency ?? .zero)
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
    /// Names are cut in the middle, so their distinguishing ends stay visible.
    var cutInTheMiddle = false
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
            let fitted = column.cutInTheMiddle
                ? cell.text.fittedInTheMiddle(to: column.width, ellipsis: glyphs.ellipsis).leftAligned(column.width)
                : text.fitted(to: column.width, ellipsis: glyphs.ellipsis)
            put(fitted, x: x, y: y, slot: cell.slot)
            x += column.width + 1
        }
    }
}
