export declare const DROPBOX_HOSTS: string[];
export declare function redirectDropbox(options: { port: number; caPem: string }): () => void;
