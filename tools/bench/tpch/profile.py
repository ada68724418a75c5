#!/usr/bin/env python3
"""Profiles one TPC-H query in Shoal with perf (on demand).

Starts shoal-server on a script that loads the memory catalog (as bench.py
does) and then runs the query REPS times; once the load has finished, attaches
`perf record` to the process, so the profile holds only the query runs.
Prints the top functions by self time (perf report --no-children) and keeps
perf.data in OUT.

Usage: profile.py qNN [--reps 3] [--scale 1] [--source memory|tpch]
                  [--call-graph dwarf|fp|none] [--top 25] [--out DIR] [--max-seconds 60]
Environment: SHOAL_SERVER, SHOAL_SHARED as for bench.py.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('query')
    p.add_argument('--reps', type=int, default=3)
    p.add_argument('--scale', type=float, default=1.0)
    p.add_argument('--source', choices=('memory', 'tpch'), default='memory')
    p.add_argument('--call-graph', default='dwarf', choices=('dwarf', 'fp', 'none'))
    p.add_argument('--top', type=int, default=25)
    p.add_argument('--stat', action='store_true', help='perf stat (task-clock, CPUs utilized) instead of a profile')
    p.add_argument('--max-seconds', type=float, default=60.0, help='stop recording after this long')
    p.add_argument('--out', default=None)
    p.add_argument('--server', default=os.environ.get('SHOAL_SERVER', os.path.join(bench.ROOT, 'build/tools/server/shoal-server')))
    p.add_argument('--shared', default=os.environ.get('SHOAL_SHARED', os.path.join(bench.ROOT, '..', 'shared')))
    args = p.parse_args()

    schema = bench.schema_for_scale(args.scale)
    query_dir = os.path.join(args.shared, 'testdata', 'tpch', 'queries')
    sql = bench.read_query(query_dir, args.query)
    out = args.out or tempfile.mkdtemp(prefix='shoal-profile-')
    os.makedirs(os.path.join(out, 'etc', 'catalog'), exist_ok=True)
    with open(os.path.join(out, 'etc', 'catalog', 'tpch.properties'), 'w') as f:
        f.write('connector.name=tpch\ntpch.column-naming=STANDARD\ntpch.double-type-mapping=DECIMAL\n')
    with open(os.path.join(out, 'etc', 'catalog', 'memory.properties'), 'w') as f:
        f.write('connector.name=memory\nmemory.max-data-per-node=%dGB\n' % max(8, int(8 * args.scale)))
    setup = []
    if args.source == 'memory':
        setup = ['CREATE SCHEMA memory.%s' % schema]
        setup += ['CREATE TABLE memory.%s.%s AS SELECT * FROM tpch.%s.%s' % (schema, t, schema, t) for t in bench.TABLES]
    else:
        setup = ['SELECT count(*) FROM tpch.%s.supplier' % schema]  # generator init
    script = os.path.join(out, 'script.sql')
    with open(script, 'w') as f:
        f.write(';\n'.join(setup + [sql] * args.reps) + ';\n')
    cmd = [args.server, '--etc', os.path.join(out, 'etc'), '--catalog', args.source, '--schema', schema,
           '--output-format', 'CSV', '--timing', '--file', script]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    done = 0
    perf = None
    data = os.path.join(out, 'perf.data')
    started = None
    times = []
    for line in proc.stderr:
        if line.startswith('Query failed'):
            print(line.strip(), file=sys.stderr)
        if not line.startswith('elapsed: '):
            continue
        done += 1
        if done > len(setup):
            times.append(float(line.split()[1]))
        if done == len(setup):
            graph = [] if args.call_graph == 'none' else ['--call-graph', args.call_graph] if args.call_graph == 'dwarf' else ['-g']
            record = ['perf', 'stat', '-o', data + '.stat'] if args.stat else \
                ['perf', 'record', '-F', '499'] + graph + ['-o', data]
            until = [] if args.stat else ['--', 'sleep', str(args.max_seconds)]  # perf stat waits for its workload
            perf = subprocess.Popen(record + ['-p', str(proc.pid)] + until,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            started = time.monotonic()
    proc.wait()
    if perf is None:
        print('profile.py: the setup did not finish', file=sys.stderr)
        return 1
    perf.send_signal(2)  # SIGINT: perf writes its data and exits
    perf.wait()
    print('%s (%s, %s): %d runs, seconds %s; recorded %.1f s -> %s'
          % (args.query, args.source, schema, len(times), ' '.join('%.3f' % t for t in times),
             time.monotonic() - started, data))
    if args.stat:
        with open(data + '.stat') as f:
            print(''.join(l for l in f if 'task-clock' in l or 'seconds time' in l or 'context-switches' in l))
        return 0
    report = subprocess.run(['perf', 'report', '--stdio', '--no-children', '-i', data, '--percent-limit', '0.5',
                             '--sort', 'symbol', '-g', 'none'], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True).stdout
    lines = [' '.join(l.split()[:3]) for l in report.splitlines() if l.strip() and not l.startswith('#')]
    print('\n'.join('  ' + l for l in lines[:args.top]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
