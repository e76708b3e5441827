"""The peak memory of a benchmark's child process, measured so that it is the child's own.

Linux starts a new process's ru_maxrss at the high-water mark of the process it forked from
(exec keeps it), so a step run from a benchmark that has grown large (one that has just
written a million demo rows, say) would read as large as its parent. VmHWM belongs to the
child's own address space, which exec makes anew.
"""

from __future__ import annotations

# Python source for a child (run with `python -c`): peak_mb(), this process's own peak.
CHILD_PEAK = '''
def peak_mb():
    """This process's peak resident memory in MB (VmHWM; ru_maxrss where there is no /proc)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
'''

# `python -c RUN_REACH ARGS…` runs `python -m reach ARGS…` and, however it ends, writes its
# peak_mb() to the file named by $REACH_BENCH_PEAK_FILE.
RUN_REACH = (
    CHILD_PEAK
    + """
import os, runpy, sys
sys.argv[0] = "reach"
try:
    runpy.run_module("reach", run_name="__main__", alter_sys=True)
finally:
    with open(os.environ["REACH_BENCH_PEAK_FILE"], "w") as out:
        out.write(str(peak_mb()))
"""
)
