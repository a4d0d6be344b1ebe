/// A ring that cannot be built or a change that cannot be planned, said in the operator's terms.
public struct RingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
