extension Dictionary where Key == String, Value == DBusValue {
    /// Reads an entry of an `a{sv}` options dictionary as a typed value.
    ///
    /// Returns `nil` when the key is absent. A present key with the wrong type is an error naming the key and
    /// both types, e.g. `Option "temperature" must be of type d, got s`.
    /// - Throws: ``DBusError`` `InvalidArgs`.
    public func value<T: DBusValueConvertible>(_ key: String, as type: T.Type) throws(DBusError) -> T? {
        guard let raw = self[key] else { return nil }
        let value = raw.unwrappingVariant
        guard let converted = T(dbusValue: value) else {
            throw .invalidArgs("Option \"\(key)\" must be of type \(T.dbusType), got \(value.type)")
        }
        return converted
    }

    /// Reads a required entry of an `a{sv}` options dictionary as a typed value.
    /// - Throws: ``DBusError`` `InvalidArgs` when the key is absent or has the wrong type.
    public func require<T: DBusValueConvertible>(_ key: String, as type: T.Type) throws(DBusError) -> T {
        guard let value = try value(key, as: type) else {
            throw .invalidArgs("Option \"\(key)\" of type \(T.dbusType) is required")
        }
        return value
    }

    /// Fails when the dictionary has keys outside `known`, naming them and listing the known ones.
    /// - Throws: ``DBusError`` `InvalidArgs`.
    public func rejectUnknownKeys(_ known: Set<String>) throws(DBusError) {
        let unknown = keys.filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw .invalidArgs(
                "Unknown option(s) \(unknown.joined(separator: ", ")); known: \(known.sorted().joined(separator: ", "))")
        }
    }
}
