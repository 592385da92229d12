import type { Rule } from '../../rule.js';
import { closingParen, pythonHits } from './python.js';

const prefilter = /pickle|marshal|shelve|yaml|dill|joblib|read_pickle/;
const unpickle =
  /\b(c?[Pp]ickle|_pickle|dill|cloudpickle|joblib|marshal|jsonpickle)\.(loads?|Unpickler|decode)\s*\(|\bshelve\.open\s*\(|\b(?:pd|pandas)\.read_pickle\s*\(/g;
const unpickleImport =
  /^[ \t]*from[ \t]+(c?pickle|marshal|dill)[ \t]+import[ \t]+[^\n]*\b(loads?|Unpickler)\b/gm;
const yamlLoad = /\byaml\.(load|load_all|unsafe_load|unsafe_load_all)\s*\(/g;
const safeLoader = /\b(?:C?SafeLoader|BaseLoader)\b/;

/**
 * pickle / marshal / shelve / dill / joblib loads and yaml.load without a safe loader: deserialising
 * untrusted data this way runs code chosen by whoever wrote the data.
 */
export const pyUnsafeDeserialization: Rule = {
  id: 'py_unsafe_deserialization',
  stage: 'static',
  severity: 'high',
  title: 'Python deserialises data in a way that can run code (pickle, marshal, yaml.load)',
  check: (ctx) =>
    pythonHits(ctx, prefilter, [unpickle, unpickleImport, yamlLoad], (m, src) => {
      if (m[0].startsWith('yaml.')) {
        const open = m.index + m[0].length - 1;
        if (
          !m[1]?.startsWith('unsafe') &&
          safeLoader.test(src.code.slice(open, closingParen(src.code, open)))
        )
          return undefined;
        return {
          message: `yaml.${m[1]}() without SafeLoader can construct arbitrary Python objects, which runs code from the YAML; use yaml.safe_load.`,
        };
      }
      const what = m[0].replace(/\s*\($/, '').trim();
      return {
        message: `${what}: unpickling-style deserialisation runs code embedded in the data, so a crafted file takes over the process.`,
      };
    }),
};
