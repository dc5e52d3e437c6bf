/**
 * The programs the catalog images must run, and how to build them on the
 * host: a Java class (javac), a dynamically linked C++ program (g++, with
 * exceptions, threads and OpenMP so libstdc++, libgcc_s and libgomp are all
 * needed), and the Python and Node.js probes (passed with -c / -e).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from '../../helpers/tools.js';

/** Prints one JSON object: what the acceptance list asks of python3. */
export const PYTHON_PROBE = String.raw`
import json, os, pwd, ssl, sqlite3, zoneinfo, datetime
ctx = ssl.create_default_context()
utc = datetime.datetime(2024, 7, 1, 12, 0, tzinfo=datetime.timezone.utc)
db = sqlite3.connect(':memory:')
db.execute('create table t (x)'); db.execute('insert into t values (41)')
print(json.dumps({
  'uid': os.getuid(),
  'user': pwd.getpwuid(65532).pw_name,
  'home': pwd.getpwuid(65532).pw_dir,
  'ca': ctx.cert_store_stats()['x509_ca'],
  'paris': utc.astimezone(zoneinfo.ZoneInfo('Europe/Paris')).isoformat(),
  'sqlite': db.execute('select x + 1 from t').fetchone()[0],
  'openssl': ssl.OPENSSL_VERSION,
  'version': list(os.sys.version_info[:2]),
}))
`;

/** Prints one JSON object: process.versions, the root certificates, who we are. */
export const NODE_PROBE = String.raw`
const tls = require('node:tls');
const os = require('node:os');
console.log(JSON.stringify({
  versions: process.versions,
  roots: tls.rootCertificates.length,
  uid: process.getuid(),
  user: os.userInfo().username,
  paris: new Date(Date.UTC(2024, 6, 1, 12)).toLocaleString('en-GB', { timeZone: 'Europe/Paris', hour12: false }),
}));
`;

export const JAVA_SOURCE = String.raw`
import java.time.ZoneId;
import java.time.ZonedDateTime;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
public class Hello {
  public static void main(String[] args) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((java.security.KeyStore) null); // the JRE's default trust store: lib/security/cacerts
    ZonedDateTime utc = ZonedDateTime.of(2024, 7, 1, 12, 0, 0, 0, ZoneId.of("UTC"));
    System.out.println("java=" + System.getProperty("java.specification.version"));
    System.out.println("user=" + System.getProperty("user.name"));
    System.out.println("paris=" + utc.withZoneSameInstant(ZoneId.of("Europe/Paris")).toLocalTime());
    System.out.println("args=" + String.join(",", args));
    System.out.println("trusted=" + ((X509TrustManager) tmf.getTrustManagers()[0]).getAcceptedIssuers().length);
  }
}
`;

export const CXX_SOURCE = String.raw`
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>
#include <omp.h>
#include <unistd.h>
int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string caught;
  try { throw std::runtime_error("unwound"); } catch (const std::exception &e) { caught = e.what(); }
  long sum = 0;
  std::thread t([&] { for (int i = 1; i <= 100; i++) sum += i; });
  t.join();
  int threads = 0;
  #pragma omp parallel num_threads(3) reduction(+:threads)
  threads += 1;
  std::cout << "cxx uid=" << getuid() << " exception=" << caught << " sum=" << sum << " omp=" << threads;
  for (const auto &a : args) std::cout << " " << a;
  std::cout << std::endl;
  return 0;
}
`;

/** javac Hello.java in DIR; returns the class file's path. */
export async function compileJava(dir: string): Promise<string> {
  await writeFile(path.join(dir, 'Hello.java'), JAVA_SOURCE);
  // --release 17: the class file must run on the image's JRE 17.
  await run('javac', ['--release', '17', '-d', dir, path.join(dir, 'Hello.java')]);
  return path.join(dir, 'Hello.class');
}

/** g++ -fopenmp (dynamic) in DIR; returns the binary's path and its NEEDED libraries. */
export async function compileCxx(dir: string): Promise<{ binary: string; needed: string[] }> {
  const src = path.join(dir, 'probe.cpp');
  const binary = path.join(dir, 'probe-cxx');
  await writeFile(src, CXX_SOURCE);
  await run('g++', ['-O2', '-fopenmp', '-pthread', '-o', binary, src]);
  const { stdout } = await run('readelf', ['-d', binary]);
  const needed = [...stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]!);
  return { binary, needed };
}
