#!/usr/bin/env python3
"""TPC-H benchmark: Shoal against DuckDB (driven by tools/bench/tpch/run.sh).

1. dbgen .tbl files of the scale are generated once with shoal-tpchgen into a
   cache dir (reused when complete).
2. DuckDB (npm @duckdb/node-api, 2 threads) loads them with DuckDB's TPC-H
   types and runs each query once as a warm-up and REPS times (duckdb_bench.js).
3. Shoal, one shoal-server process running one --file script with --timing:
   CREATE TABLE memory.<schema>.<t> AS SELECT * FROM tpch.<schema>.<t> for the
   8 tables (the load time), then per query a warm-up and REPS timed runs
   against the memory tables (session catalog memory). A statement that fails
   ends the script, and one over the timeout is killed; the driver then starts
   a new process (reloading the tables) at the next query.
4. Shoal once more, each query once straight off the tpch connector.
The warm-up result of each Shoal run is compared with the answer set
(tests/tpch/compare_answers.py). Figures: median ms per query, Shoal/DuckDB
ratio, geometric means, load times, Shoal's peak RSS (ru_maxrss of the
memory-catalog process). Targets: every query within 3x of DuckDB, geomean
within 2x.
"""
import argparse
import importlib.util
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
TABLES = ['nation', 'region', 'part', 'supplier', 'partsupp', 'customer', 'orders', 'lineitem']
MARK = 'BENCH-MARK'
TARGET_QUERY_RATIO = 3.0
TARGET_GEOMEAN_RATIO = 2.0


def load_compare_module():
    path = os.path.join(ROOT, 'tests', 'tpch', 'compare_answers.py')
    spec = importlib.util.spec_from_file_location('compare_answers', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def schema_for_scale(scale):
    return 'tiny' if scale == 0.01 else 'sf%g' % scale


# ---------------------------------------------------------------- data cache

def generate_tbl(tpchgen, scale, data_dir):
    done = os.path.join(data_dir, '.complete')
    if os.path.exists(done):
        log('tbl cache: %s (reused)' % data_dir)
        return 0.0
    os.makedirs(data_dir, exist_ok=True)
    start = time.monotonic()
    for t in TABLES:
        final = os.path.join(data_dir, t + '.tbl')
        with open(final + '.tmp', 'wb') as out:
            subprocess.run([tpchgen, '--scale', '%g' % scale, '--table', t, '--threads', '2'],
                           stdout=out, check=True)
        os.replace(final + '.tmp', final)
    open(done, 'w').close()
    secs = time.monotonic() - start
    log('tbl cache: generated %s in %.1f s' % (data_dir, secs))
    return secs


# ---------------------------------------------------------------- DuckDB

def run_duckdb(data_dir, query_dir, reps, only):
    cmd = ['node', os.path.join(HERE, 'duckdb_bench.js'), data_dir, query_dir, '--reps', str(reps), '--threads', '2']
    if only:
        cmd += ['--only', ','.join(only)]
    log('duckdb: ' + ' '.join(cmd))
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, check=True, cwd=HERE)
    return json.loads(proc.stdout)


# ---------------------------------------------------------------- Shoal

class Statement:
    def __init__(self, kind, sql, query=None, rep=None, table=None):
        self.kind, self.sql, self.query, self.rep, self.table = kind, sql, query, rep, table


def read_query(query_dir, q):
    with open(os.path.join(query_dir, q + '.sql')) as f:
        return f.read().rstrip().rstrip(';').rstrip()


def query_statements(query_dir, queries, reps):
    """Per query: a marker, the warm-up (rep 0), then markers and REPS timed runs."""
    out = []
    for q in queries:
        sql = read_query(query_dir, q)
        for rep in range(reps + 1):
            out.append(Statement('mark', "SELECT '%s %s %d'" % (MARK, q, rep), q, rep))
            out.append(Statement('query', sql, q, rep))
    return out


def run_shoal_process(server, etc, catalog, schema, statements, timeout, load_timeout, stdout_path):
    """Runs statements as one --file script. Returns (results, error, rusage):
    results[i] = elapsed seconds of statement i (for those that finished),
    error = None, or (index, message) of the statement that failed / timed out."""
    fd, script = tempfile.mkstemp(suffix='.sql', prefix='shoal-bench-')
    with os.fdopen(fd, 'w') as f:
        f.write(';\n'.join(s.sql for s in statements) + ';\n')
    cmd = [server, '--etc', etc, '--catalog', catalog, '--schema', schema,
           '--output-format', 'CSV', '--timing', '--file', script]
    out = open(stdout_path, 'ab')
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, text=True)
    state = {'done': 0, 'started': time.monotonic(), 'failed': None, 'lines': [], 'cpu': []}
    last_cpu = [0.0]
    lock = threading.Lock()

    def reader():
        for line in proc.stderr:
            line = line.rstrip('\n')
            with lock:
                if line.startswith('elapsed: '):
                    state['lines'].append(float(line.split()[1]))
                    cpu = process_cpu_seconds(proc.pid)
                    state['cpu'].append(cpu - last_cpu[0] if cpu is not None else None)
                    last_cpu[0] = cpu if cpu is not None else last_cpu[0]
                    state['done'] += 1
                    state['started'] = time.monotonic()
                    st = statements[state['done'] - 1] if state['done'] <= len(statements) else None
                    if st is not None and st.kind == 'load':
                        log('shoal: loaded %s in %s s' % (st.table, line.split()[1]))
                    elif st is not None and st.kind == 'query' and (state['done'] == len(statements) or
                                                                    statements[state['done']].query != st.query):
                        log('shoal: %s ran' % st.query)
                elif line.startswith('Query failed'):
                    state['failed'] = line
                elif line and not line.startswith('CREATE') and not line.startswith('INSERT'):
                    state['failed'] = (state['failed'] or '') + line

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    error = None
    rusage = None
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid != 0:
            rusage = ru
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
        with lock:
            i = state['done']
            running = time.monotonic() - state['started']
        limit = load_timeout if i < len(statements) and statements[i].kind == 'load' else timeout
        if i < len(statements) and running > limit:
            proc.kill()
            _, status, rusage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            error = (i, 'TIMEOUT over %g s' % limit)
            break
        time.sleep(0.05)
    th.join(timeout=5)
    out.close()
    os.unlink(script)
    times = state['lines']
    if error is None and proc.returncode != 0:
        idx = max(0, len(times) - 1) if state['failed'] else len(times)
        msg = state['failed'] or 'exit status %d' % proc.returncode
        if proc.returncode < 0:
            msg = 'crashed (signal %d) %s' % (-proc.returncode, state['failed'] or '')
            idx = len(times)
        error = (idx, msg.strip())
    return times, state['cpu'], error, rusage


def process_cpu_seconds(pid):
    """user+system CPU of a live process (clock-tick resolution), or None."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')
    except (OSError, IndexError, ValueError):
        return None


def split_marked_output(path):
    """Maps (query, rep) -> CSV text of the statement that followed the marker."""
    sections, key, buf = {}, None, []
    with open(path, newline='') as f:
        for line in f:
            if line.startswith('"' + MARK + ' '):
                if key:
                    sections[key] = ''.join(buf)
                _, q, rep = line.strip().strip('"').split()
                key, buf = (q, int(rep)), []
            else:
                buf.append(line)
    if key:
        sections[key] = ''.join(buf)
    return sections


def run_shoal(server, etc, catalog, schema, prefix, body, timeout, load_timeout, workdir, label, first_timed_rep):
    """Runs prefix+body, restarting after a failed or timed-out query at the
    next query. Returns per-query {'runs': [s..], 'error': msg}, prefix times
    of the first process, peak RSS (KiB), stdout path."""
    stdout_path = os.path.join(workdir, label + '.out')
    open(stdout_path, 'w').close()
    per_query, prefix_times, peak_kib = {}, None, 0
    remaining = body
    while remaining:
        statements = [Statement('mark', "SELECT '%s - 0'" % MARK)] + prefix + remaining
        log('shoal %s: process with %d statements' % (label, len(statements)))
        times, cpus, error, ru = run_shoal_process(server, etc, catalog, schema, statements, timeout,
                                             load_timeout, stdout_path)
        if ru is not None:
            peak_kib = max(peak_kib, ru.ru_maxrss)
        if prefix_times is None:
            prefix_times = times[1:len(prefix) + 1]
        if error is not None and error[0] < len(prefix) + 1:
            raise RuntimeError('shoal %s: setup statement failed: %s: %s'
                               % (label, statements[error[0]].sql[:80], error[1]))
        failed_index = error[0] if error is not None else None
        for k in range(len(prefix) + 1, min(len(times), len(statements))):
            s = statements[k]
            if s.kind == 'query' and k != failed_index and s.rep >= first_timed_rep:
                entry = per_query.setdefault(s.query, {'runs': [], 'cpu': [], 'error': None})
                entry['runs'].append(times[k])
                entry['cpu'].append(cpus[k])
        if error is None:
            break
        failed = statements[error[0]]
        q = failed.query
        per_query.setdefault(q, {'runs': [], 'cpu': [], 'error': None})['error'] = error[1]
        log('shoal %s: %s failed: %s' % (label, q, error[1]))
        at = error[0] - len(prefix) - 1
        rest_start = next((k for k in range(at, len(remaining)) if remaining[k].query != q), len(remaining))
        remaining = remaining[rest_start:]
    return per_query, prefix_times, peak_kib, stdout_path


# ---------------------------------------------------------------- report

def median_ms(runs):
    return statistics.median(runs) * 1000.0 if runs else None


def geomean(values):
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def check_results(compare, answers_dir, sections, queries, rep):
    checks = {}
    for q in queries:
        text = sections.get((q, rep))
        if text is None or answers_dir is None:
            continue
        fd, tmp = tempfile.mkstemp(suffix='.csv')
        with os.fdopen(fd, 'w') as f:
            f.write(text)
        import csv
        with open(tmp, newline='') as f:
            actual = list(csv.reader(f))
        os.unlink(tmp)
        names, expected = compare.read_expected(os.path.join(answers_dir, q + '.csv'), 'csv')
        diff = compare.compare(names, expected, actual, lambda j, e, a: compare.same_csv_value(e, a))
        checks[q] = 'PASS' if diff is None else 'FAIL ' + diff
    return checks


def fmt(v, spec='%.1f'):
    return '-' if v is None else spec % v


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--json', action='store_true', help='print one JSON object instead of the table')
    p.add_argument('--scale', type=float, default=1.0)
    p.add_argument('--reps', type=int, default=5)
    p.add_argument('--timeout', type=float, default=60.0, help='per Shoal statement, seconds')
    p.add_argument('--only', default='', help='comma-separated queries, e.g. q01,q06')
    p.add_argument('--server', default=os.environ.get('SHOAL_SERVER', os.path.join(ROOT, 'build/tools/server/shoal-server')))
    p.add_argument('--tpchgen', default=os.environ.get('SHOAL_TPCHGEN', os.path.join(ROOT, 'build/tools/tpchgen/shoal-tpchgen')))
    p.add_argument('--shared', default=os.environ.get('SHOAL_SHARED', os.path.join(ROOT, '..', 'shared')))
    p.add_argument('--data-dir', default=None, help='tbl cache (default build/tpch-sf<scale>)')
    p.add_argument('--skip-duckdb', action='store_true')
    p.add_argument('--skip-tpch', action='store_true', help='skip the run straight off the tpch connector')
    args = p.parse_args()

    tpch = os.path.join(args.shared, 'testdata', 'tpch')
    query_dir = os.path.join(tpch, 'queries')
    queries = sorted(f[:3] for f in os.listdir(query_dir) if f.endswith('.sql'))
    if args.only:
        queries = [q for q in queries if q in args.only.split(',')]
    schema = schema_for_scale(args.scale)
    answers_dir = {'sf1': 'sf1-dbgen', 'tiny': 'sf0.01-dbgen'}.get(schema)
    answers_dir = os.path.join(tpch, 'answers', answers_dir) if answers_dir else None
    data_dir = args.data_dir or os.path.join(ROOT, 'build', 'tpch-sf%g' % args.scale)
    compare = load_compare_module()
    loadavg_start = os.getloadavg()

    duck = None
    if not args.skip_duckdb:
        generate_tbl(args.tpchgen, args.scale, data_dir)
        duck = run_duckdb(data_dir, query_dir, args.reps, queries if args.only else None)

    work = tempfile.mkdtemp(prefix='shoal-bench-')
    etc = os.path.join(work, 'etc')
    os.makedirs(os.path.join(etc, 'catalog'))
    with open(os.path.join(etc, 'catalog', 'tpch.properties'), 'w') as f:
        f.write('connector.name=tpch\ntpch.column-naming=STANDARD\ntpch.double-type-mapping=DECIMAL\n')
    with open(os.path.join(etc, 'catalog', 'memory.properties'), 'w') as f:
        f.write('connector.name=memory\nmemory.max-data-per-node=%dGB\n' % max(8, int(8 * args.scale)))

    prefix = [Statement('schema', 'CREATE SCHEMA memory.%s' % schema)]
    prefix += [Statement('load', 'CREATE TABLE memory.%s.%s AS SELECT * FROM tpch.%s.%s' % (schema, t, schema, t),
                         table=t) for t in TABLES]
    body = query_statements(query_dir, queries, args.reps)
    mem, load_times, peak_kib, mem_out = run_shoal(args.server, etc, 'memory', schema, prefix, body,
                                                   args.timeout, 10 * args.timeout, work, 'memory', 1)
    mem_checks = check_results(compare, answers_dir, split_marked_output(mem_out), queries, 0)
    load_tables = {s.table: t * 1000.0 for s, t in zip(prefix, load_times) if s.kind == 'load'}

    tp, tp_checks = {}, {}
    if not args.skip_tpch:
        # one run per query; the first statement pays the generator's one-time init
        tprefix = [Statement('init', 'SELECT count(*) FROM tpch.%s.supplier' % schema)]
        tbody = query_statements(query_dir, queries, 0)
        tp, _, _, tp_out = run_shoal(args.server, etc, 'tpch', schema, tprefix, tbody,
                                     args.timeout, args.timeout, work, 'tpch', 0)
        tp_checks = check_results(compare, answers_dir, split_marked_output(tp_out), queries, 0)

    rows = {}
    for q in queries:
        m = mem.get(q, {'runs': [], 'error': 'not run'})
        t = tp.get(q, {'runs': [], 'error': None if args.skip_tpch else 'not run'})
        d = (duck or {}).get('queries', {}).get(q, {})
        m_ms = median_ms(m['runs']) if not m['error'] else None
        m_best = min(m['runs']) * 1000.0 if m['runs'] and not m['error'] else None
        m_cpu = [c for c in m.get('cpu', []) if c is not None]
        m_cpu = median_ms(m_cpu) if m_cpu and not m['error'] else None
        d_best = min(d['ms']) if d.get('ms') else None
        d_cpu = statistics.median(d['cpu_ms']) if d.get('cpu_ms') else None
        t_ms = median_ms(t['runs']) if not t['error'] else None
        d_ms = statistics.median(d['ms']) if d.get('ms') else None
        d_check = None
        if answers_dir and 'rows' in d:
            expected_rows = len(compare.read_expected(os.path.join(answers_dir, q + '.csv'), 'csv')[1])
            d_check = 'PASS' if d['rows'] == expected_rows else 'FAIL %d rows, expected %d' % (d['rows'], expected_rows)
        ratio = m_ms / d_ms if m_ms and d_ms else None
        best_ratio = m_best / d_best if m_best and d_best else None
        cpu_ratio = m_cpu / d_cpu if m_cpu and d_cpu else None
        rows[q] = {
            'shoal_memory_ms': m_ms, 'shoal_memory_runs_ms': [x * 1000.0 for x in m['runs']],
            'shoal_memory_error': m['error'], 'shoal_memory_check': mem_checks.get(q),
            'shoal_tpch_ms': t_ms, 'shoal_tpch_error': t['error'], 'shoal_tpch_check': tp_checks.get(q),
            'duckdb_ms': d_ms, 'duckdb_runs_ms': d.get('ms'), 'duckdb_error': d.get('error'),
            'duckdb_rowcount_check': d_check,
            'shoal_memory_best_ms': m_best, 'duckdb_best_ms': d_best, 'best_ratio': best_ratio,
            'shoal_memory_cpu_ms': m_cpu, 'duckdb_cpu_ms': d_cpu, 'cpu_ratio': cpu_ratio,
            'ratio': ratio, 'within_3x': (ratio <= TARGET_QUERY_RATIO) if ratio else False,
        }
    ratios = [r['ratio'] for r in rows.values() if r['ratio']]
    g_ratio = geomean(ratios)
    summary = {
        'scale': args.scale, 'reps': args.reps, 'threads': 2, 'queries': rows,
        'geomean_ratio': g_ratio, 'geomean_over': len(ratios),
        'geomean_best_ratio': geomean([r['best_ratio'] for r in rows.values()]),
        'geomean_cpu_ratio': geomean([r['cpu_ratio'] for r in rows.values()]),
        'geomean_shoal_memory_ms': geomean([r['shoal_memory_ms'] for r in rows.values()]),
        'geomean_shoal_tpch_ms': geomean([r['shoal_tpch_ms'] for r in rows.values()]),
        'geomean_duckdb_ms': geomean([r['duckdb_ms'] for r in rows.values()]),
        'shoal_load_ms': sum(load_tables.values()), 'shoal_load_tables_ms': load_tables,
        'duckdb_load_ms': duck['load_ms'] if duck else None, 'duckdb_version': duck['version'] if duck else None,
        'shoal_peak_rss_mib': peak_kib / 1024.0,
        'targets': {
            'query_ratio_max': TARGET_QUERY_RATIO, 'geomean_ratio_max': TARGET_GEOMEAN_RATIO,
            'queries_within_3x': sum(1 for r in rows.values() if r['within_3x']), 'queries': len(rows),
            'geomean_met': bool(g_ratio and g_ratio <= TARGET_GEOMEAN_RATIO and len(ratios) == len(rows)),
        },
        'loadavg_start': loadavg_start, 'loadavg_end': os.getloadavg(),
    }
    if args.json:
        print(json.dumps(summary, indent=1))
        return 0
    print_table(summary)
    return 0


def print_table(s):
    print('TPC-H SF%g, median of %d runs after a warm-up, 2 threads each; ms' % (s['scale'], s['reps']))
    print('%-5s %12s %12s %10s %8s %-5s | %9s %9s %6s | %9s %9s %6s | %s'
          % ('query', 'shoal-memory', 'shoal-tpch', 'duckdb', 'ratio', '<=3x', 'best-mem', 'best-duck', 'ratio',
             'cpu-mem', 'cpu-duck', 'ratio', 'notes'))
    for q, r in s['queries'].items():
        notes = []
        for label, err, chk in (('memory', r['shoal_memory_error'], r['shoal_memory_check']),
                                ('tpch', r['shoal_tpch_error'], r['shoal_tpch_check'])):
            if err:
                notes.append('%s: %s' % (label, err[:100]))
            elif chk and chk != 'PASS':
                notes.append('%s wrong: %s' % (label, chk[:100]))
        if r['duckdb_error']:
            notes.append('duckdb: ' + r['duckdb_error'][:100])
        elif r.get('duckdb_rowcount_check') and r['duckdb_rowcount_check'] != 'PASS':
            notes.append('duckdb wrong: ' + r['duckdb_rowcount_check'])
        print('%-5s %12s %12s %10s %8s %-5s | %9s %9s %6s | %9s %9s %6s | %s'
              % (q, fmt(r['shoal_memory_ms']), fmt(r['shoal_tpch_ms']), fmt(r['duckdb_ms']), fmt(r['ratio'], '%.2f'),
                 '-' if r['duckdb_ms'] is None else 'yes' if r['within_3x'] else 'NO',
                 fmt(r['shoal_memory_best_ms'], '%.0f'), fmt(r['duckdb_best_ms'], '%.0f'), fmt(r['best_ratio'], '%.2f'),
                 fmt(r['shoal_memory_cpu_ms'], '%.0f'), fmt(r['duckdb_cpu_ms'], '%.0f'), fmt(r['cpu_ratio'], '%.2f'),
                 '; '.join(notes)))
    t = s['targets']
    print('%-5s %12s %12s %10s %8s %-5s | %9s %9s %6s | %9s %9s %6s |'
          % ('geo', fmt(s['geomean_shoal_memory_ms']), fmt(s['geomean_shoal_tpch_ms']), fmt(s['geomean_duckdb_ms']),
             fmt(s['geomean_ratio'], '%.2f'), '', '', '', fmt(s.get('geomean_best_ratio'), '%.2f'), '', '',
             fmt(s.get('geomean_cpu_ratio'), '%.2f')))
    print('ratio = Shoal memory / DuckDB medians (the target); best = fastest run each; cpu = median user+sys CPU ms')
    print('targets: %d/%d queries within %gx of DuckDB; geomean ratio %s (over %d queries, target <= %gx: %s)'
          % (t['queries_within_3x'], t['queries'], t['query_ratio_max'], fmt(s['geomean_ratio'], '%.2f'),
             s['geomean_over'], t['geomean_ratio_max'], 'met' if t['geomean_met'] else 'NOT met'))
    print('load: shoal CTAS tpch -> memory %.0f ms (%s); duckdb from .tbl %s ms (%s)'
          % (s['shoal_load_ms'], ', '.join('%s %.0f' % kv for kv in s['shoal_load_tables_ms'].items()),
             fmt(s['duckdb_load_ms'], '%.0f'), s['duckdb_version']))
    print('shoal peak RSS (memory-catalog process): %.0f MiB; load average %.1f at start, %.1f at end'
          % (s['shoal_peak_rss_mib'], s['loadavg_start'][0], s['loadavg_end'][0]))


if __name__ == '__main__':
    sys.exit(main())
