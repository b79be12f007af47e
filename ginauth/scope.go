package ginauth

import "strings"

// isScopeToken reports whether s is a scope-token of RFC 6749 §3.3:
// 1*( %x21 / %x23-5B / %x5D-7E ), printable ASCII without space, '"' or '\'.
func isScopeToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if ch := s[i]; ch < 0x21 || ch > 0x7e || ch == '"' || ch == '\\' {
			return false
		}
	}
	return true
}

// isScopeList reports whether s is made of scope-tokens and spaces only, as
// a scope parameter must be; "" is an empty list.
func isScopeList(s string) bool {
	for i := 0; i < len(s); i++ {
		if ch := s[i]; ch != ' ' && !isScopeToken(s[i:i+1]) {
			return false
		}
	}
	return true
}

// splitScope splits a scope string as RFC 6749 §3.3 defines it: on U+0020
// only. A part with any other character, white space such as a tab, NBSP or
// U+3000 among them, is not a scope and grants nothing: split on Unicode
// white space, as strings.Fields does, "items\u00a0admin" would grant admin.
// Runs of spaces are tolerated.
func splitScope(s string) []string {
	if s == "" {
		return nil
	}
	list := make([]string, 0, strings.Count(s, " ")+1) // one allocation, as strings.Fields makes
	for part := range strings.SplitSeq(s, " ") {
		if isScopeToken(part) {
			list = append(list, part)
		}
	}
	return list
}
