import CDBus

/// Validation of bus, interface, member and error names through libdbus, so bad input is an error, not a crash.
public enum BusNames {
    /// Fails unless `name` is a valid bus name.
    public static func validateBusName(_ name: String) throws(DBusError) {
        guard !name.utf8.contains(0), dbus_validate_bus_name(name, nil) != 0 else {
            throw .invalidArgs("\"\(name)\" is not a valid bus name")
        }
    }

    /// Fails unless `name` is a valid interface name.
    public static func validateInterface(_ name: String) throws(DBusError) {
        guard !name.utf8.contains(0), dbus_validate_interface(name, nil) != 0 else {
            throw .invalidArgs("\"\(name)\" is not a valid interface name")
        }
    }

    /// Fails unless `name` is a valid member name.
    public static func validateMember(_ name: String) throws(DBusError) {
        guard !name.utf8.contains(0), dbus_validate_member(name, nil) != 0 else {
            throw .invalidArgs("\"\(name)\" is not a valid member name")
        }
    }

    /// Whether `name` is a valid error name.
    public static func isValidErrorName(_ name: String) -> Bool {
        !name.utf8.contains(0) && dbus_validate_error_name(name, nil) != 0
    }
}
