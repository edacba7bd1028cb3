import { render } from 'preact';

render(<p>Aside</p>, document.getElementById('app')!);
