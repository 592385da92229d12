/** `completions bash|zsh|fish`: shell completion scripts generated from the command tree itself. */
import { CliError } from '../cli-error.js';

export interface CommandSpec {
  name: string;
  description: string;
  options: string[];
  subcommands: CommandSpec[];
}

function bash(specs: CommandSpec[], globals: string[]): string {
  const cases = specs
    .map((spec) => {
      const words = [...spec.subcommands.map((s) => s.name), ...spec.options, ...globals].join(' ');
      return `    ${spec.name}) COMPREPLY=( $(compgen -W "${words}" -- "$cur") ) ;;`;
    })
    .join('\n');
  return `# agentry bash completion: source <(agentry completions bash)
_agentry() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${specs.map((s) => s.name).join(' ')} ${globals.join(' ')}" -- "$cur") )
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
}
complete -o default -F _agentry agentry
`;
}

function zsh(specs: CommandSpec[], globals: string[]): string {
  const quote = (text: string) => text.replace(/'/g, "'\\''").replace(/:/g, '\\:');
  const commands = specs.map((s) => `    '${s.name}:${quote(s.description)}'`).join('\n');
  const cases = specs
    .map(
      (spec) =>
        `    ${spec.name}) compadd -- ${[...spec.subcommands.map((s) => s.name), ...spec.options, ...globals].join(' ')} ;;`,
    )
    .join('\n');
  return `#compdef agentry
# agentry zsh completion: agentry completions zsh > "\${fpath[1]}/_agentry"
_agentry() {
  local -a commands
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "$words[2]" in
${cases}
  esac
}
compdef _agentry agentry
`;
}

function fish(specs: CommandSpec[], globals: string[]): string {
  const quote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = [
    '# agentry fish completion: agentry completions fish > ~/.config/fish/completions/agentry.fish',
    'complete -c agentry -f',
  ];
  for (const spec of specs)
    lines.push(`complete -c agentry -n __fish_use_subcommand -a ${spec.name} -d ${quote(spec.description)}`);
  for (const spec of specs) {
    for (const sub of spec.subcommands)
      lines.push(
        `complete -c agentry -n '__fish_seen_subcommand_from ${spec.name}' -a ${sub.name} -d ${quote(sub.description)}`,
      );
    for (const option of spec.options)
      lines.push(
        `complete -c agentry -n '__fish_seen_subcommand_from ${spec.name}' -l ${option.replace(/^--/, '')}`,
      );
  }
  for (const option of globals) lines.push(`complete -c agentry -l ${option.replace(/^--/, '')}`);
  return `${lines.join('\n')}\n`;
}

export function runCompletions(shell: string, specs: CommandSpec[], globals: string[]): string {
  if (shell === 'bash') return bash(specs, globals);
  if (shell === 'zsh') return zsh(specs, globals);
  if (shell === 'fish') return fish(specs, globals);
  throw new CliError('usage', `no completions for ${shell}`, 'agentry completions bash|zsh|fish');
}
