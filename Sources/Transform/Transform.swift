// Filled by a later issue; see ../../DESIGN.md in shared/ and the issue list.
