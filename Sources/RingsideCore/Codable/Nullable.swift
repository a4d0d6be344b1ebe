/// An optional field of a JSON report that is written as `null` when absent, never left out: the README promises
/// that absent numbers are `null`, and a missing key reads as a different thing to a script (`memoryLimitBytes`
/// left out once read as "no limit"). Synthesized `Codable` skips a plain `nil` (`encodeIfPresent`).
@propertyWrapper
public struct Nullable<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension Nullable: Hashable where Value: Hashable {}

extension KeyedDecodingContainer {
    /// A report written before a field existed decodes with the field `nil`.
    public func decode<Value>(_ type: Nullable<Value>.Type, forKey key: Key) throws -> Nullable<Value> {
        try decodeIfPresent(type, forKey: key) ?? Nullable(wrappedValue: nil)
    }
}
