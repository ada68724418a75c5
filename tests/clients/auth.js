// auth.js HTTPS-URL HTTP-URL CA-PEM — the unmodified npm trino-client against
// a shoal-server with HTTPS and PASSWORD authentication (file authenticator;
// user alice, password alicepw): BasicAuth over TLS with the test's CA, a
// wrong password and a password over plain HTTP refused with 401, and the
// insecure user-name-only login over HTTP. Prints one line per check and
// exits non-zero if any failed.
'use strict';

const assert = require('assert');
const fs = require('fs');
const { Trino, BasicAuth } = require('trino-client');

const [httpsUrl, httpUrl, caPath] = process.argv.slice(2);
const ca = fs.readFileSync(caPath);
let failures = 0;

// KNOWN BUG (issue 5, open): now and then the server's TLS connection closes
// in the middle of a response ("stream has been aborted"), mostly when other
// tests load the machine. Until it is found, a check that hits such an abort
// runs once more and says so on a WARN line; a second abort, or any other
// error, fails the check.
async function check(name, fn) {
    for (let attempt = 1; ; attempt++) {
        try {
            await fn();
            console.log(`ok   ${name}`);
            return;
        } catch (e) {
            if (attempt === 1 && /stream has been aborted/.test(String(e))) {
                console.log(`WARN ${name}: ${e.message}; running it again (known HTTPS abort, issue 5)`);
                continue;
            }
            failures++;
            console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
            return;
        }
    }
}

async function run(trino, sql) {
    const iter = await trino.query(sql);
    const rows = [];
    let last = null;
    for await (const page of iter) {
        if (page.data) rows.push(...page.data);
        last = page;
    }
    return { rows, error: last ? last.error : undefined };
}

async function status(trino, sql) {
    try {
        await run(trino, sql);
        return 200;
    } catch (e) {
        return e.response ? e.response.status : String(e);
    }
}

async function main() {
    await check('trino-client: BasicAuth over HTTPS runs as the user', async () => {
        const trino = Trino.create({ server: httpsUrl, ssl: { ca }, auth: new BasicAuth('alice', 'alicepw') });
        const r = await run(trino, 'SELECT current_user, 1 + 1');
        assert.strictEqual(r.error, undefined);
        assert.deepStrictEqual(r.rows, [['alice', 2]]);
    });
    await check('trino-client: a session over HTTPS (USE sticks, large result pages)', async () => {
        const trino = Trino.create({ server: httpsUrl, ssl: { ca }, auth: new BasicAuth('alice', 'alicepw'),
                                     catalog: 'tpch', schema: 'tiny' });
        const r = await run(trino, 'SELECT count(*) FROM (SELECT * FROM lineitem LIMIT 30000)');
        assert.deepStrictEqual(r.rows, [[30000]]);
        const big = await run(trino, 'SELECT orderkey, comment FROM orders');
        assert.strictEqual(big.rows.length, 15000);
    });
    await check('trino-client: wrong password → 401', async () => {
        const trino = Trino.create({ server: httpsUrl, ssl: { ca }, auth: new BasicAuth('alice', 'wrong') });
        assert.strictEqual(await status(trino, 'SELECT 1'), 401);
    });
    await check('trino-client: an untrusted certificate is refused by the client', async () => {
        const trino = Trino.create({ server: httpsUrl, auth: new BasicAuth('alice', 'alicepw') });
        const s = await status(trino, 'SELECT 1');
        assert.ok(/certificate/i.test(String(s)), String(s));
    });
    await check('trino-client: a password over plain HTTP → 401', async () => {
        const trino = Trino.create({ server: httpUrl, auth: new BasicAuth('alice', 'alicepw') });
        assert.strictEqual(await status(trino, 'SELECT 1'), 401);
    });
    await check('trino-client: a user name alone over plain HTTP works', async () => {
        const trino = Trino.create({ server: httpUrl, auth: new BasicAuth('bob') });
        const r = await run(trino, 'SELECT current_user');
        assert.deepStrictEqual(r.rows, [['bob']]);
    });
    console.log(`${failures} failure(s)`);
    process.exit(failures ? 1 : 0);
}

main();
