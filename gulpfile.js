const path = require('path');
const { task, src, dest } = require('gulp');

task('build:icons', copyIcons);

function copyIcons() {
	src(path.resolve('nodes', '**', '*.{png,svg}'), { encoding: false }).pipe(dest(path.resolve('dist', 'nodes')));
	src(path.resolve('emulators', 'console', '*.{html,css}')).pipe(dest(path.resolve('dist', 'emulators', 'console')));
	return src(path.resolve('credentials', '**', '*.{png,svg}'), { encoding: false }).pipe(
		dest(path.resolve('dist', 'credentials')),
	);
}
