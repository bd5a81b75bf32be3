/**
 * A reactive request slot on top of the one loader (`load` in `./loader.ts`): `state` and `error` of
 * the latest request, and `value`, the last answer that arrived (kept while a newer one loads, so a
 * layer does not blink on every pan; dropped on error). Every page and layer fetches through it.
 */
import { load, type Loaded } from './loader';

export class Resource<T> {
	state = $state<Loaded<T>['state']>('idle');
	error = $state('');
	value = $state.raw<T | null>(null);

	/** Start a request (loading now, then ready or error); returns its abort, for an `$effect`'s cleanup. */
	run(fetcher: (signal: AbortSignal) => Promise<T>): () => void {
		return load<T>((l) => {
			this.state = l.state;
			this.error = l.error;
			if (l.state === 'ready') this.value = l.value;
			else if (l.state === 'error') this.value = null;
		}, fetcher);
	}

	/** Back to nothing asked (a layer turned off, a question that needs no request). */
	reset(): void {
		this.state = 'idle';
		this.error = '';
		this.value = null;
	}

	get loading(): boolean {
		return this.state === 'loading';
	}
}
