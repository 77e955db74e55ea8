// The census's results are values in ProcessModels (so Reports can render
// them without depending on this target); re-exported so code that reads a
// census with `import PythonProcess` names them as before.
@_exported public import ProcessModels
