public import ProcessModels

extension UsageHint {
    /// The command-line flag that sets it, as messages and reports spell it.
    public var flag: String {
        switch self {
        case .pythonExecutable: "--exe"
        case .measureFullCollection: "--measure-full"
        case .safePointTimeout: "--timeout"
        case .agentDump: "--agent-dump"
        case .mallocTrim: "--trim"
        }
    }
}
