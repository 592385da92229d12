/**
 * Publicly documented malicious npm and PyPI packages, for the `known_malicious` rule. An entry is
 * `ecosystem:name` (every version is malicious: a typosquat or a package published by an attacker) or
 * `ecosystem:name@version` (a legitimate package whose listed release was hijacked). Operators add
 * their own entries in the same form through `ScanOptions.knownMalicious`.
 *
 * Sources are public advisories and incident write-ups (npm security advisories, the GitHub Advisory
 * Database, PyPI's removals, vendor reports); the year is noted for each group.
 */
export const knownMaliciousPackages: readonly string[] = [
  // event-stream (2018): a new maintainer added flatmap-stream, which stole Copay wallets.
  'npm:flatmap-stream',
  'npm:event-stream@3.3.6',
  // The "crossenv" typosquat family (2017): each stole environment variables on install.
  'npm:crossenv',
  'npm:cross-env.js',
  'npm:babelcli',
  'npm:d3.js',
  'npm:fabric-js',
  'npm:ffmepg',
  'npm:gruntcli',
  'npm:http-proxy.js',
  'npm:jquery.js',
  'npm:mongose',
  'npm:mssql-node',
  'npm:mssql.js',
  'npm:mysqljs',
  'npm:node-fabric',
  'npm:node-opencv',
  'npm:node-opensl',
  'npm:node-openssl',
  'npm:node-sqlite',
  'npm:node-tkinter',
  'npm:nodecaffe',
  'npm:nodefabric',
  'npm:nodeffmpeg',
  'npm:nodemailer-js',
  'npm:nodemailer.js',
  'npm:nodemssql',
  'npm:noderequest',
  'npm:nodesass',
  'npm:nodesqlite',
  'npm:opencv.js',
  'npm:openssl.js',
  'npm:proxy.js',
  'npm:shadowsock',
  'npm:sqlite.js',
  'npm:sqliter',
  'npm:sqlserver',
  // Hijacked releases of legitimate packages.
  'npm:eslint-scope@3.7.2', // 2018, stole npm tokens
  'npm:eslint-config-eslint@5.0.2', // 2018, same incident
  'npm:ua-parser-js@0.7.29', // 2021, cryptominer and password stealer
  'npm:ua-parser-js@0.8.0',
  'npm:ua-parser-js@1.0.0',
  'npm:coa@2.0.3', // 2021
  'npm:coa@2.0.4',
  'npm:coa@2.1.1',
  'npm:coa@2.1.3',
  'npm:coa@3.0.1',
  'npm:coa@3.1.3',
  'npm:rc@1.2.9', // 2021
  'npm:rc@1.3.9',
  'npm:rc@2.3.9',
  'npm:node-ipc@10.1.1', // 2022, protestware that overwrote files
  'npm:node-ipc@10.1.2',
  'npm:peacenotwar', // 2022, the payload node-ipc pulled in
  'npm:colors@1.4.1', // 2022, sabotaged by its author (infinite loop)
  'npm:colors@1.4.2',
  'npm:colors@1.4.44-liberty-2',
  'npm:faker@6.6.6', // 2022, sabotaged by its author
  'npm:eslint-config-prettier@8.10.1', // 2025, phished maintainer token
  'npm:eslint-config-prettier@9.1.1',
  'npm:eslint-config-prettier@10.1.6',
  'npm:eslint-config-prettier@10.1.7',
  'npm:eslint-plugin-prettier@4.2.2',
  'npm:eslint-plugin-prettier@4.2.3',
  'npm:nx@20.9.0', // 2025, "s1ngularity" credential stealer
  'npm:nx@20.10.0',
  'npm:nx@20.11.0',
  'npm:nx@20.12.0',
  'npm:nx@21.5.0',
  'npm:nx@21.6.0',
  'npm:nx@21.7.0',
  'npm:nx@21.8.0',
  'npm:chalk@5.6.1', // 2025, phished maintainer: crypto-wallet hijacking in the browser
  'npm:debug@4.4.2',
  'npm:ansi-styles@6.2.2',
  'npm:ansi-regex@6.2.1',
  'npm:strip-ansi@7.1.1',
  'npm:supports-color@10.2.1',
  'npm:wrap-ansi@9.0.1',
  'npm:color-convert@3.1.1',
  'npm:color-name@2.0.1',
  'npm:color-string@2.1.1',
  'npm:slice-ansi@7.1.1',
  'npm:has-ansi@6.0.1',
  'npm:is-arrayish@0.3.3',
  'npm:simple-swizzle@0.2.3',
  'npm:error-ex@1.3.3',
  'npm:chalk-template@1.1.1',
  'npm:backslash@0.2.1',
  // Typosquats and droppers taken down from npm.
  'npm:electorn', // 2019, typosquat of electron
  'npm:getcookies', // 2018, backdoor
  'npm:twilio-npm', // 2020, reverse shell
  'npm:fallguys', // 2020, Discord token stealer
  'npm:jdb.js', // 2020, njRAT dropper
  'npm:db-json.js',
  'npm:web-browserify', // 2021, Linux trojan
  'npm:noblox.js-proxy', // 2021, ransomware dropper
  // PyPI
  'pypi:colourama', // 2018, clipboard hijacker (typosquat of colorama)
  'pypi:python3-dateutil', // 2019, pulled in jeIlyfish
  'pypi:jeilyfish', // 2019, "jeIlyfish" with a capital I: stole SSH and GPG keys
  'pypi:acqusition', // 2017, SK-CSIRT report
  'pypi:apidev-coop',
  'pypi:bzip',
  'pypi:crypt',
  'pypi:django-server',
  'pypi:pwd',
  'pypi:setup-tools',
  'pypi:telnet',
  'pypi:urlib3',
  'pypi:urllib',
  'pypi:ssh-decorate', // 2018, stole SSH credentials
  'pypi:noblesse', // 2021, credential and card stealers
  'pypi:noblesse2',
  'pypi:noblessev2',
  'pypi:genesisbot',
  'pypi:aryi',
  'pypi:suffer',
  'pypi:pytagora',
  'pypi:pytagora2',
  'pypi:importantpackage', // 2021, reverse shell
  'pypi:10cent10',
  'pypi:10cent11',
  'pypi:torchtriton', // 2022, dependency confusion against PyTorch nightly
  'pypi:pymafka', // 2022, typosquat of pykafka dropping Cobalt Strike
  'pypi:ctx@0.1.2', // 2022, hijacked: sent environment variables out
  'pypi:ctx@0.2.2',
  'pypi:ctx@0.2.6',
  'pypi:ultralytics@8.3.41', // 2024, build pipeline compromise: cryptominer
  'pypi:ultralytics@8.3.42',
  'pypi:ultralytics@8.3.45',
  'pypi:ultralytics@8.3.46',
];
