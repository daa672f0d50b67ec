"""Reading a case: safe YAML with positions (load), the types (model), the rules that join fields (rules), the
project file and the whole read (read), dates (when), the law as data (law), the JSON Schema (schema), and the one
case-file writer and id scheme (write, yamltext)."""
