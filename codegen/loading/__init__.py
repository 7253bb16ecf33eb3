"""Reading model files into the IR: located YAML, typed field readers,
type expressions, portable patterns, and the checks across the model."""
