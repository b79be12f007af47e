package di

// The declarations of one to eight dependencies are written by a program:
// they differ only in their arity.
//go:generate sh -c "go run ./internal/gen > arity_gen.go"
