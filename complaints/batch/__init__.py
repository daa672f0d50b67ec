"""Many cases at once: the pipeline (run), which letters to make (plan, groups), the worker processes (workers,
check), this process's writing and journal (write), the manifest (manifest)."""
