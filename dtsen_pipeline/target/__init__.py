"""Programme rules of stage `target` (programs.yaml): loading, validation, and the SQL they compile to."""
