/// One terminal cell: a single-column character and the slot it is drawn in.
public struct Cell: Sendable, Equatable {
    public var character: Character
    public var slot: Slot

    public static let blank = Cell(character: " ", slot: .body)
}

/// A rectangle of a canvas: where a screen, a dialog or a side panel is drawn.
public struct Rect: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }
}

/// An in-memory screen that views draw into and the terminal backend only copies out. Everything written is
/// clipped at the edges, never wrapped.
public struct Canvas: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` from (x, y), clipped to `maxWidth` columns and to the canvas; returns the columns used.
    ///
    /// One Unicode scalar is one column: every glyph ringside draws is a single scalar of width one, and counting
    /// scalars instead of grapheme clusters keeps a frame of a thousand nodes cheap.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, slot: Slot = .body, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth ?? width, width - max(x, 0))
        var column = 0
        for scalar in text.unicodeScalars where column < limit {
            let target = x + column
            if target >= 0 { self[target, y] = Cell(character: Character(scalar), slot: slot) }
            column += 1
        }
        return column
    }

    /// Gives every cell of row `y` from `x` on (for `width` columns) the slot `slot`, keeping the characters.
    public mutating func paint(_ slot: Slot, x: Int = 0, y: Int, width count: Int? = nil) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, x + (count ?? width)) { self[column, y].slot = slot }
    }

    /// Copies `other` into this canvas with its top-left corner at `origin`, clipped at the edges: a screen drawn
    /// into its own rectangle lands where the layout puts it.
    public mutating func place(_ other: Canvas, at origin: (x: Int, y: Int)) {
        for row in 0..<other.height where (0..<height).contains(origin.y + row) {
            for column in 0..<other.width where (0..<width).contains(origin.x + column) {
                self[origin.x + column, origin.y + row] = other[column, row]
            }
        }
    }

    /// Fills a row with spaces in `slot` (a header or cursor bar across the screen).
    public mutating func fill(row y: Int, slot: Slot) {
        guard y >= 0, y < height else { return }
        for column in 0..<width { self[column, y] = Cell(character: " ", slot: slot) }
    }

    /// Replaces every non-ASCII character (from shared formatting such as "—", or a node's name) with its ASCII
    /// stand-in, so ASCII mode is ASCII whatever a view printed.
    public mutating func transliterateToASCII() {
        let standIns: [Character: Character] = [
            "—": "-", "–": "-", "…": "~", "→": ">", "←": "<", "Σ": "S", "│": "|", "─": "-", "▲": "^", "▼": "v", "▶": ">", "×": "x",
            "·": "-", "≈": "~", "Δ": "d", "≥": ">", "≤": "<", "┌": "+", "┐": "+", "└": "+", "┘": "+",
        ]
        for index in cells.indices where !cells[index].character.isASCII {
            cells[index].character = standIns[cells[index].character] ?? "?"
        }
    }

    /// The text, one line per row, trailing blanks trimmed.
    public var text: String {
        (0..<height).map { row in
            String(String(cells[(row * width)..<((row + 1) * width)].map(\.character)).reversed().drop(while: { $0 == " " }).reversed())
        }.joined(separator: "\n")
    }

    /// One letter per cell naming its slot (`.` body, `Y` warn, `R` critical, …), for tests that check colour meaning.
    public var slots: String {
        (0..<height).map { row in String(cells[(row * width)..<((row + 1) * width)].map(\.slot.rawValue)) }.joined(separator: "\n")
    }
}

extension String {
    /// Columns the text takes on a canvas (one per Unicode scalar, as `Canvas.put` draws it).
    public var columns: Int { unicodeScalars.count }

    /// The text cut to `width` columns, ending in `ellipsis` when it had to be cut.
    public func fitted(to width: Int, ellipsis: Character = "…") -> String {
        guard columns > width else { return self }
        guard width > 1 else { return String(String.UnicodeScalarView(unicodeScalars.prefix(max(0, width)))) }
        return String(String.UnicodeScalarView(unicodeScalars.prefix(width - 1))) + String(ellipsis)
    }

    /// The text in `width` columns, cut in the middle when longer: both ends of a name stay readable
    /// ("127.0.…:11211", "cache-e…-17"), where the end usually tells nodes apart.
    public func fittedInTheMiddle(to width: Int, ellipsis: Character = "…") -> String {
        guard columns > width else { return self }
        guard width > 2 else { return fitted(to: width, ellipsis: ellipsis) }
        let scalars = Array(unicodeScalars), tail = (width - 1) / 2, head = width - 1 - tail
        return String(String.UnicodeScalarView(scalars.prefix(head))) + String(ellipsis) + String(String.UnicodeScalarView(scalars.suffix(tail)))
    }

    /// The text right-aligned in `width` columns (cut when longer).
    public func rightAligned(_ width: Int) -> String {
        let columns = columns
        return columns >= width ? fitted(to: width) : String(repeating: " ", count: width - columns) + self
    }

    /// The text left-aligned in `width` columns (cut when longer).
    public func leftAligned(_ width: Int) -> String {
        let columns = columns
        return columns >= width ? fitted(to: width) : self + String(repeating: " ", count: width - columns)
    }
}
