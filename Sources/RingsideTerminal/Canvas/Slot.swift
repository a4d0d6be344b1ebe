/// What a cell means, never what colour it is: themes map slots to colours, and tests read slots.
public enum Slot: Character, Sendable, CaseIterable {
    case body = "."
    case header = "H"
    case badge = "B"
    case title = "T"
    case tableHeader = "h"
    case cursor = "C"
    case ok = "O"
    case warn = "Y"
    case critical = "R"
    case stale = "S"
    case dim = "d"
    case bar = "b"
    case barEmpty = "e"
    case sparkline = "s"
    case hintKey = "K"
    case hintText = "k"
    case dialog = "D"
    /// Ring owners: nodes take these in turn, so neighbouring arcs of different nodes differ in colour too.
    case ring1 = "1", ring2 = "2", ring3 = "3", ring4 = "4", ring5 = "5", ring6 = "6"

    static let ringOwners: [Slot] = [.ring1, .ring2, .ring3, .ring4, .ring5, .ring6]
}
