import Foundation
import RingsideCore

/// Finds a theme by name or path: `--theme`, else `RINGSIDE_THEME`, else the built-in default.
public enum ThemeLoader {
    /// Folders searched for `NAME.yaml`, in order: `$RINGSIDE_THEME_DIR`, `~/.config/ringside/themes`,
    /// `/usr/share/ringside/themes`, and the `themes/` folder of the checkout ringside was built from.
    public static func searchPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.config"
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes").path
        return [environment["RINGSIDE_THEME_DIR"], "\(configHome)/ringside/themes", "/usr/share/ringside/themes", checkout].compactMap { $0 }
    }

    /// The theme `nameOrPath` names (a path when it contains `/` or ends in `.yaml`), or the one in
    /// `RINGSIDE_THEME`, or the built-in default. An unknown name or a wrong file is a `ConfigError`.
    public static func load(_ nameOrPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Theme {
        guard let requested = nameOrPath ?? environment["RINGSIDE_THEME"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return .builtInDefault
        }
        if requested.contains("/") || requested.hasSuffix(".yaml") { return try read(requested) }
        for directory in searchPath(environment: environment) {
            let path = "\(directory)/\(requested).yaml"
            if FileManager.default.fileExists(atPath: path) { return try read(path) }
        }
        if requested == "default" { return .builtInDefault }
        throw ConfigError(file: requested, message: "no theme of that name in \(searchPath(environment: environment).joined(separator: ", "))")
    }

    private static func read(_ path: String) throws -> Theme {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "the theme file cannot be read")
        }
        return try ThemeFile.parse(text, file: path)
    }
}
