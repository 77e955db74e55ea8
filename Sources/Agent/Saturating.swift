/// `value` as a whole number, rounded toward zero and saturated at `Int`'s
/// bounds (NaN gives 0), where `Int(value)` would trap: for messages and
/// waits made from a caller's seconds, which may be any `Double`.
func saturatingInt(_ value: Double) -> Int {
    if value.isNaN { return 0 }
    return Int(exactly: value.rounded(.towardZero)) ?? (value > 0 ? .max : .min)
}
