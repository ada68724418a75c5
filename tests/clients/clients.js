// clients.js URL — a scripted session with the unmodified npm clients
// trino-client (0.2.9) and presto-client (1.2.0) against a live
// shoal-server: queries of every kind, USE and SET SESSION sticking across
// statements, a failing query's error fields, cancellation, a large result.
// Prints one line per check and exits non-zero if any failed.
'use strict';

const assert = require('assert');
const { Trino, BasicAuth } = require('trino-client');
const presto = require('presto-client');

const url = new URL(process.argv[2] || 'http://127.0.0.1:8080');
let failures = 0;
let checks = 0;

async function check(name, fn) {
    checks++;
    const started = Date.now();
    try {
        await fn();
        console.log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (e) {
        failures++;
        console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
    }
}

// ---- trino-client ------------------------------------------------------------

function newTrino(options = {}) {
    return Trino.create({
        server: url.origin,
        catalog: 'tpch',
        schema: 'tiny',
        auth: new BasicAuth('trino-tester'),
        ...options,
    });
}

// Runs a statement to the end; returns rows, columns, the last page and its error.
async function trinoRun(trino, sql) {
    const iter = await trino.query(sql);
    const rows = [];
    let columns = null;
    let last = null;
    for await (const page of iter) {
        if (page.columns) columns = page.columns;
        if (page.data) rows.push(...page.data);
        last = page;
    }
    return { rows, columns, last, error: last ? last.error : undefined, id: iter.iter.queryResult.id };
}

async function trinoTests() {
    const trino = newTrino();

    await check('trino-client: SELECT 1', async () => {
        const r = await trinoRun(trino, 'SELECT 1');
        assert.deepStrictEqual(r.rows, [[1]]);
        assert.strictEqual(r.columns[0].type, 'integer');
        assert.strictEqual(r.last.stats.state, 'FINISHED');
    });

    await check('trino-client: SHOW CATALOGS / SHOW SCHEMAS / DESCRIBE', async () => {
        let r = await trinoRun(trino, 'SHOW CATALOGS');
        const catalogs = r.rows.map(row => row[0]);
        assert.ok(catalogs.includes('tpch') && catalogs.includes('memory'), catalogs.join(','));
        r = await trinoRun(trino, 'SHOW SCHEMAS FROM tpch');
        assert.ok(r.rows.map(row => row[0]).includes('tiny'));
        r = await trinoRun(trino, 'DESCRIBE tpch.tiny.nation');
        assert.strictEqual(r.rows.length, 4);
    });

    await check('trino-client: value encodings', async () => {
        const r = await trinoRun(trino,
            "SELECT CAST(10.5 AS decimal(12, 2)), DATE '2024-01-15', 1.5e0, 'text', true, " +
            'CAST(9007199254740993 AS bigint), NULL');
        const row = r.rows[0];
        assert.strictEqual(row[0], '10.50');
        assert.strictEqual(r.columns[0].type, 'decimal(12, 2)');
        assert.strictEqual(row[1], '2024-01-15');
        assert.strictEqual(row[2], 1.5);
        assert.strictEqual(row[3], 'text');
        assert.strictEqual(row[4], true);
        assert.strictEqual(typeof row[5], 'number');
        assert.strictEqual(row[6], null);
    });

    await check('trino-client: aggregation and join over tpch', async () => {
        const r = await trinoRun(trino,
            'SELECT r.name, count(*) FROM nation n JOIN region r ON n.regionkey = r.regionkey ' +
            'GROUP BY r.name ORDER BY r.name');
        assert.strictEqual(r.rows.length, 5);
        assert.deepStrictEqual(r.rows[0], ['AFRICA', 5]);
    });

    await check('trino-client: USE sticks to later statements', async () => {
        const t = newTrino();
        let r = await trinoRun(t, 'USE memory.default');
        assert.strictEqual(r.last.updateType, 'USE');
        r = await trinoRun(t, 'CREATE TABLE sticky_trino AS SELECT 42 AS x');
        assert.ok(!r.error, r.error && r.error.message);
        assert.strictEqual(r.last.updateType, 'CREATE TABLE');
        assert.strictEqual(r.last.updateCount, 1);
        r = await trinoRun(t, 'SELECT x FROM sticky_trino');
        assert.deepStrictEqual(r.rows, [[42]]);
        // another client without the USE does not see it unqualified
        r = await trinoRun(newTrino(), 'SELECT x FROM sticky_trino');
        assert.ok(r.error, 'expected an error without USE');
    });

    await check('trino-client: SET SESSION sticks to later statements', async () => {
        const t = newTrino();
        let r = await trinoRun(t, "SET SESSION query_max_run_time = '7m'");
        assert.strictEqual(r.last.updateType, 'SET SESSION');
        r = await trinoRun(t, 'SHOW SESSION');
        const entry = r.rows.find(row => row[0] === 'query_max_run_time');
        assert.ok(entry, 'property not carried over');
        assert.strictEqual(entry[1], '7m');
    });

    await check('trino-client: INSERT reports updateType/updateCount', async () => {
        let r = await trinoRun(trino,
            'CREATE TABLE memory.default.ins_trino AS SELECT nationkey, name FROM nation WHERE nationkey < 0');
        assert.ok(!r.error, r.error && r.error.message);
        assert.strictEqual(r.last.updateCount, 0);
        r = await trinoRun(trino, 'INSERT INTO memory.default.ins_trino SELECT nationkey, name FROM nation');
        assert.strictEqual(r.last.updateType, 'INSERT');
        assert.strictEqual(r.last.updateCount, 25);
        assert.deepStrictEqual(r.rows, [[25]]);
    });

    await check('trino-client: failing query error fields', async () => {
        const r = await trinoRun(trino, 'SELECT * FROM no_such_table');
        assert.ok(r.error, 'no error');
        assert.strictEqual(r.last.stats.state, 'FAILED');
        assert.strictEqual(r.error.errorName, 'TABLE_NOT_FOUND');
        assert.strictEqual(r.error.errorCode, 46);
        assert.strictEqual(r.error.errorType, 'USER_ERROR');
        assert.ok(r.error.message.includes('no_such_table'), r.error.message);
        assert.ok(r.error.errorLocation && r.error.errorLocation.lineNumber === 1);
        const s = await trinoRun(trino, 'SELEC 1');
        assert.strictEqual(s.error.errorName, 'SYNTAX_ERROR');
        assert.strictEqual(s.error.errorCode, 1);
        assert.ok(s.error.message.startsWith('line 1:1: '), s.error.message);
        const d = await trinoRun(trino, 'SELECT 1 / 0');
        assert.strictEqual(d.error.errorName, 'DIVISION_BY_ZERO');
    });

    await check('trino-client: cancel and queryInfo', async () => {
        const iter = await trino.query('SELECT count(*) FROM tpch.sf1000.lineitem');
        const id = iter.iter.queryResult.id;
        assert.ok(id);
        // the iterator polls until rows or the end: drain it while cancelling
        const drained = (async () => {
            let last = null;
            for await (const page of iter) last = page;
            return last;
        })();
        let state = 'QUEUED';
        for (let i = 0; i < 200 && state !== 'RUNNING'; i++) {
            await new Promise(r => setTimeout(r, 20));
            state = (await trino.queryInfo(id)).state;
        }
        assert.strictEqual(state, 'RUNNING');
        await trino.cancel(id);
        const last = await drained;
        assert.strictEqual(last.stats.state, 'FAILED');
        assert.strictEqual(last.error.errorName, 'USER_CANCELED');
        const info = await trino.queryInfo(id);
        assert.strictEqual(info.queryId, id);
        assert.strictEqual(info.state, 'FAILED');
        assert.ok(info.query.includes('lineitem'));
    });

    await check('trino-client: large result (60175 rows over several pages)', async () => {
        const r = await trinoRun(trino, 'SELECT orderkey, linenumber, comment FROM lineitem');
        assert.strictEqual(r.rows.length, 60175);
        const keys = new Set(r.rows.map(row => `${row[0]}/${row[1]}`));
        assert.strictEqual(keys.size, 60175);
    });
}

// ---- presto-client ---------------------------------------------------------------

function newPresto(options = {}) {
    return new presto.Client({
        host: url.hostname,
        port: Number(url.port),
        user: 'presto-tester',
        catalog: 'tpch',
        schema: 'tiny',
        checkInterval: 5,
        timeout: 120,
        ...options,
    });
}

// Runs a statement with execute(); resolves with rows/columns/stats or rejects with the error.
function prestoRun(client, sql, extra = {}) {
    return new Promise((resolve, reject) => {
        const rows = [];
        let columns = null;
        let queryId = null;
        client.execute({
            query: sql,
            state: (error, id) => { queryId = id; },
            columns: (error, cols) => { columns = cols; },
            data: (error, data) => { rows.push(...data); },
            success: (error, stats) => resolve({ rows, columns, stats, queryId }),
            error: error => { error.queryId = queryId; reject(error); },
            ...extra,
        });
    });
}

async function prestoTests() {
    for (const engine of ['presto', 'trino']) {
        const client = newPresto({ engine });
        const tag = `presto-client (${engine} headers)`;

        await check(`${tag}: SELECT 1`, async () => {
            const r = await prestoRun(client, 'SELECT 1');
            assert.deepStrictEqual(r.rows, [[1]]);
            assert.strictEqual(r.columns[0].type, 'integer');
            assert.strictEqual(r.stats.state, 'FINISHED');
        });

        await check(`${tag}: metadata and a join`, async () => {
            let r = await prestoRun(client, 'SHOW TABLES FROM tpch.tiny');
            assert.ok(r.rows.map(row => row[0]).includes('lineitem'));
            r = await prestoRun(client, 'SELECT count(*) FROM nation n JOIN region r ON n.regionkey = r.regionkey');
            assert.deepStrictEqual(r.rows, [[25]]);
        });

        await check(`${tag}: failing query error fields`, async () => {
            await assert.rejects(prestoRun(client, 'SELECT * FROM no_such_table'), error => {
                assert.strictEqual(error.errorName, 'TABLE_NOT_FOUND');
                assert.strictEqual(error.errorCode, 46);
                assert.strictEqual(error.errorType, 'USER_ERROR');
                return true;
            });
        });

        await check(`${tag}: large result`, async () => {
            const r = await prestoRun(client, 'SELECT orderkey, comment FROM lineitem');
            assert.strictEqual(r.rows.length, 60175);
        });

        await check(`${tag}: cancel through DELETE nextUri (absolute-form request)`, async () => {
            let polls = 0;
            let queryId = null;
            await assert.rejects(
                prestoRun(client, 'SELECT count(*) FROM tpch.sf1000.lineitem', {
                    state: (error, id) => { queryId = id; },
                    cancel: () => ++polls > 2,
                }),
                error => {
                    assert.ok(/canceled by operation/.test(error.message), error.message);
                    return true;
                });
            assert.ok(queryId);
            const info = await new Promise((resolve, reject) =>
                client.query(queryId, (error, data) => (error ? reject(error) : resolve(data))));
            assert.strictEqual(info.state, 'FAILED');
        });

        await check(`${tag}: kill() through DELETE /v1/query/{id} (204)`, async () => {
            let queryId = null;
            const running = prestoRun(client, 'SELECT count(*) FROM tpch.sf1000.lineitem', {
                state: (error, id) => { queryId = id; },
            });
            while (!queryId) await new Promise(r => setTimeout(r, 10));
            await new Promise((resolve, reject) =>
                client.kill(queryId, error => (error ? reject(error) : resolve())));
            await assert.rejects(running, error => {
                assert.strictEqual(error.errorName, 'USER_CANCELED');
                return true;
            });
        });

        await check(`${tag}: nodes()`, async () => {
            const nodes = await new Promise((resolve, reject) =>
                client.nodes(null, (error, data) => (error ? reject(error) : resolve(data))));
            assert.ok(Array.isArray(nodes));
        });
    }

    await check('presto-client: session properties and catalog per statement', async () => {
        const client = newPresto();
        const r = await prestoRun(client, 'SHOW SESSION', { session: 'query_priority=3' });
        const entry = r.rows.find(row => row[0] === 'query_priority');
        assert.ok(entry && entry[1] === '3');
        const s = await prestoRun(client, 'SELECT count(*) FROM region', { catalog: 'tpch', schema: 'tiny' });
        assert.deepStrictEqual(s.rows, [[5]]);
    });
}

(async () => {
    await trinoTests();
    await prestoTests();
    console.log(`${checks - failures}/${checks} client checks passed`);
    process.exit(failures ? 1 : 0);
})().catch(e => {
    console.log(`FAIL unexpected: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
});
