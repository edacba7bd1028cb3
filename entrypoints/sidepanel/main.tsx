import { render } from 'preact';
import { App } from '@/src/panel/App.tsx';
import '@/src/panel/panel.css';

render(<App />, document.getElementById('app')!);
