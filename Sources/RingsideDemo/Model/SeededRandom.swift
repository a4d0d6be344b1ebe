import Foundation

/// SplitMix64: a small, fast generator whose whole stream is fixed by its seed, so a demo run with `--seed N`
/// does the same thing every time.
struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Key popularity following a Zipf law: key k (1-based) is drawn with probability ∝ 1 / k^skew.
struct ZipfKeys: Sendable {
    private let cumulative: [Double]

    init(keys: Int, skew: Double) {
        var total = 0.0
        cumulative = (1...max(1, keys)).map { rank in
            total += 1 / pow(Double(rank), skew)
            return total
        }
    }

    /// A key rank from 0 (the most popular) to keys − 1.
    func next(using random: inout SeededRandom) -> Int {
        let target = Double.random(in: 0..<cumulative.last!, using: &random)
        var low = 0, high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] <= target { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
