import { UsageError } from './main';

/** Standard input as text, one trailing newline (echo, heredoc) dropped: a password, not a line. */
export async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
	let data = '';
	for await (const chunk of stream) data += chunk.toString();
	return data.replace(/\r?\n$/, '');
}

/** Options of commands that may take a password on standard input and answer in JSON. */
export const PASSWORD_COMMAND_OPTIONS = {
	'password-stdin': { type: 'boolean', default: false },
	json: { type: 'boolean', default: false },
	help: { type: 'boolean', short: 'h' }
} as const;

/** The password from standard input with --password-stdin (refused when empty), otherwise undefined. */
export async function passwordFromStdin(
	fromStdin: boolean | undefined,
	stdin: NodeJS.ReadableStream
): Promise<string | undefined> {
	if (!fromStdin) return undefined;
	const password = await readStdin(stdin);
	if (!password) throw new UsageError('no password on standard input');
	return password;
}
